"""One error shape for the API, ``error.html`` for pages, and the handlers that choose between them.

Every API error body is ``{"ok": false, "error": str, "errors": [str], "status": int}``, built by
:func:`error_body` only. Pages render ``error.html`` with the same messages and status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from suanli.errors import SuanliError

log = logging.getLogger(__name__)

HtmlErrorRenderer = Callable[[Request, int, list[str]], Response]


def error_body(status: int, errors: Sequence[str]) -> dict[str, Any]:
    """The JSON body of every API error.

    Example:
        >>> error_body(404, ["Article 'abcd' not found"])["error"]
        "Article 'abcd' not found"
    """
    messages = [str(e) for e in errors] or ["Unknown error"]
    return {"ok": False, "error": messages[0], "errors": messages, "status": status}


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def error_response(
    request: Request,
    status: int,
    errors: Sequence[str],
    render_html: HtmlErrorRenderer,
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """JSON for ``/api/...``, the error page for everything else."""
    if is_api_path(request.url.path):
        return JSONResponse(error_body(status, errors), status_code=status, headers=headers)
    response = render_html(request, status, list(errors))
    if headers:
        response.headers.update(headers)
    return response


def internal_error_response(request: Request, exc: Exception, render_html: HtmlErrorRenderer) -> Response:
    """The web boundary: an unexpected exception becomes a 500 without internals in the body."""
    log.error("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    name, path = type(exc).__name__, request.url.path
    message = f"Internal error ({name}) while serving '{path}'; the server log has the details"
    return error_response(request, 500, [message], render_html)


def _validation_messages(exc: RequestValidationError) -> list[str]:
    messages = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            messages.append(
                'The request body is not valid JSON; send an object such as {"urls": ["https://..."]}'
            )
            continue
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "form")]
        name = ".".join(loc) or "request"
        got = err.get("input")
        text = str(err.get("msg", "is not valid")).rstrip(".")
        if text[:2].istitle():  # "Field required" -> "field required", but "JSON ..." stays
            text = text[0].lower() + text[1:]
        suffix = f", got '{got}'" if isinstance(got, str | int | float) and not isinstance(got, bool) else ""
        messages.append(f"Parameter '{name}' is not valid: {text}{suffix}")
    return messages or ["The request is not valid"]


def _http_messages(request: Request, exc: StarletteHTTPException) -> list[str]:
    path = request.url.path
    if exc.status_code == 404:
        if is_api_path(path):
            return [f"API path '{path}' does not exist; see /api/docs for the routes"]
        return [f"Page '{path}' does not exist; check the address or start from the search page"]
    if exc.status_code == 405:
        allowed = exc.headers.get("Allow", "") if exc.headers else ""
        return [f"Method '{request.method}' is not allowed on '{path}'; use {allowed or 'another method'}"]
    return [str(exc.detail)]


def install_error_handlers(app: FastAPI, render_html: HtmlErrorRenderer) -> None:
    """Map SuanliError (by its ``status``), HTTP errors and bad parameters to the one shape."""

    async def on_suanli(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SuanliError)
        if exc.status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        return error_response(request, exc.status, [str(exc)], render_html)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers) if exc.headers else None
        return error_response(
            request, exc.status_code, _http_messages(request, exc), render_html, headers=headers
        )

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 400, _validation_messages(exc), render_html)

    app.add_exception_handler(SuanliError, on_suanli)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
