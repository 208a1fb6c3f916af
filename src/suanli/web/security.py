"""The request guard: Host check, Origin check, team-mode authentication and security headers.

Every request passes here, so no route can forget a check: static files and ``/login`` are the only
paths open without authentication in team mode (the tests enumerate the app's routes to prove it).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import anyio.to_thread
from fastapi import Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import HtmlErrorRenderer, error_response, internal_error_response
from .state import WebState

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
SESSION_COOKIE = "suanli_session"
OPEN_PATHS = frozenset({"/login"})
OPEN_PREFIXES = ("/static/",)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(host_header: str) -> str:
    """``127.0.0.1:8000`` -> ``127.0.0.1``; ``[::1]:8000`` -> ``::1``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_open_path(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _request_origin(request: Request) -> str | None:
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if referer:
            parts = urlsplit(referer)
            origin = f"{parts.scheme}://{parts.netloc}"
    return origin


def _origin_error(request: Request) -> str | None:
    """Why a state-changing request is refused as cross-site, or None when it may go on."""
    origin = _request_origin(request)
    host = request.headers.get("host", "")
    if origin is None:
        # Browsers send Origin with every POST; a client without it is a script, which cannot
        # ride on a browser's cookie, so only a cookie-carrying request without Origin is refused.
        if request.cookies.get(SESSION_COOKIE):
            return (
                "A form sent with a session cookie but without an Origin header is refused; reload the page"
            )
        return None
    if urlsplit(origin).netloc.lower() != host.lower():
        return f"Origin '{origin}' may not change data here; use the app at its own address"
    return None


async def _authenticate(request: Request, state: WebState) -> str | None:
    """Token id from ``Authorization: Bearer``, else from the session cookie; None when neither is valid."""
    assert state.verifier is not None and state.sessions is not None
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token = header[7:].strip()
        token_id = state.verifier.cached(token)
        if token_id is None:  # scrypt takes tens of milliseconds: keep it off the event loop
            token_id = await anyio.to_thread.run_sync(state.verifier.verify, token)
        return token_id
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        token_id = state.sessions.token_id(session_id)
        if token_id is not None and state.verifier.known_id(token_id):
            return token_id
    return None


class Guard:
    """Pure ASGI middleware (a request-scoped task group per request, as BaseHTTPMiddleware makes,
    cost about a millisecond): checks every request, then stamps the security headers on every
    response, and turns unexpected exceptions into the one error shape."""

    def __init__(self, app: ASGIApp, *, state: WebState, render_html: HtmlErrorRenderer) -> None:
        self.app = app
        self.state = state
        self.render_html = render_html
        self.trusted = frozenset(h.lower() for h in state.options.trusted_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        extra = self._extra_headers(request)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers.append(name, value)
            await send(message)

        refusal = await self._check(request)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # the web boundary: log it, answer with the error shape
            if started:
                raise
            response = internal_error_response(request, exc, self.render_html)
            await response(scope, receive, send_with_headers)

    def _extra_headers(self, request: Request) -> list[tuple[str, str]]:
        extra = list(SECURITY_HEADERS.items())
        hl = request.query_params.get("hl")
        if hl in ("zh", "en") and not request.url.path.startswith("/api/"):
            extra.append(("set-cookie", f"hl={hl}; Max-Age={365 * 86400}; Path=/; HttpOnly; SameSite=lax"))
        return extra

    async def _check(self, request: Request) -> Response | None:
        render = self.render_html
        # 1. Host: a page on evil.example that rebinds its name to 127.0.0.1 still sends its own Host.
        host = host_name(request.headers.get("host", ""))
        if "*" not in self.trusted and host not in self.trusted:
            message = (
                f"Host '{host}' is not served here; open the app at one of: {', '.join(sorted(self.trusted))}"
            )
            return error_response(request, 400, [message], render)
        # 2. Origin on state-changing requests (cross-site form posts, fetches from other sites).
        if request.method in UNSAFE_METHODS:
            problem = _origin_error(request)
            if problem is not None:
                return error_response(request, 403, [problem], render)
        # 3. Team mode: a valid token or session, except for static files and the login form.
        if self.state.options.auth:
            request.state.token_id = await _authenticate(request, self.state)
            if request.state.token_id is None and not is_open_path(request.url.path):
                message = (
                    f"'{request.url.path}' needs an API token in team mode: send 'Authorization: Bearer "
                    "<token>' or log in at /login"
                )
                headers = {"WWW-Authenticate": 'Bearer realm="suanli"'}
                return error_response(request, 401, [message], render, headers=headers)
        return None
