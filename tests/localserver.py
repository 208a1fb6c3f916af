"""A real threaded HTTP server on 127.0.0.1 with scripted routes, for end-to-end network tests.

Usage::

    from localserver import LocalServer, Reply, redirect

    with LocalServer({"/a": Reply(body="hi"), "/b": redirect("/a")}) as server:
        fetch_url(server.url("/b"), settings)
        assert server.requests[-1].path == "/a"

A route is a :class:`Reply` or a function of the :class:`SeenRequest` returning one. Routes may be added
after start with ``server.route(path, reply)`` (handy when a reply needs ``server.url``). Unknown paths
answer 404. Delays wait on an event that is set on exit, so stopping never waits for a sleeping handler.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast


@dataclass(frozen=True, slots=True)
class Reply:
    """A scripted answer.

    ``delay_s`` waits before the status line; ``chunk_size`` with ``chunk_delay_s`` trickles the body.
    ``send_length=False`` omits Content-Length (the body then ends when the connection closes).
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | str = b""
    delay_s: float = 0.0
    chunk_size: int = 0
    chunk_delay_s: float = 0.0
    send_length: bool = True

    @property
    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True, slots=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]


Route = Reply | Callable[[SeenRequest], Reply]


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


class QuietServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does not wait for handlers on close and keeps client resets quiet."""

    daemon_threads = True
    block_on_close = False
    owner: Any  # the ServerThread whose handler runs here

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that give up early (timeouts, size caps) reset the connection; that is expected.
        pass


class ServerThread:
    """Context manager running ``handler`` on a free port of 127.0.0.1 in a daemon thread.

    Handlers reach this object as ``self.server.owner``; ``_stopping`` is set on exit, so a handler
    that waits on it (a scripted delay) never holds up stopping.
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler], *, name: str) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = QuietServer(("127.0.0.1", 0), handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name=name, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class LocalServer(ServerThread):
    """The scripted-routes server (see the module docstring)."""

    def __init__(self, routes: Mapping[str, Route] | None = None) -> None:
        super().__init__(_Handler, name="localserver")
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[SeenRequest] = []

    @property
    def base_url(self) -> str:
        return self.origin

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def route(self, path: str, reply: Route) -> None:
        with self._lock:
            self.routes[path] = reply

    def _answer(self, seen: SeenRequest) -> Reply:
        with self._lock:
            self.requests.append(seen)
            route = self.routes.get(seen.path)
        if route is None:
            return Reply(status=404, body="not found")
        return route if isinstance(route, Reply) else route(seen)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: QuietServer

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        owner = cast(LocalServer, self.server.owner)
        seen = SeenRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
        reply = owner._answer(seen)
        if reply.delay_s and owner._stopping.wait(reply.delay_s):
            return
        body = reply.body_bytes
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.send_length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        step = reply.chunk_size or len(body) or 1
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            if reply.chunk_delay_s and owner._stopping.wait(reply.chunk_delay_s):
                return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature fixed by base
        pass
