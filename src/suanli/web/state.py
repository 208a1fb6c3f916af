"""The objects one app instance shares between requests, and its options."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Request

from suanli.config import Settings
from suanli.workspace import Workspace

from .auth import Sessions, TokenVerifier
from .hooks import Hooks
from .i18n import pick_lang
from .pool import AddJobs, WorkspacePool
from .render import PageContext, Renderer

T = TypeVar("T")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How the app is served.

    ``trusted_hosts`` are the Host header values accepted (a guard against DNS rebinding of a
    server on 127.0.0.1); ``("*",)`` accepts any. ``workers`` is the number of reader threads.
    """

    auth: bool = False
    trusted_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    workers: int = 2
    cache_s: float = 30.0


class Cached(Generic[T]):
    """A value computed on a worker and reused for ``ttl_s`` seconds (source lists, counts)."""

    def __init__(self, fn: Callable[[Workspace], T], ttl_s: float) -> None:
        self.fn = fn
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._value: tuple[float, T] | None = None

    def get(self, ws: Workspace) -> T:
        with self._lock:
            if self._value is not None and time.monotonic() < self._value[0]:
                return self._value[1]
        value = self.fn(ws)
        with self._lock:
            self._value = (time.monotonic() + self.ttl_s, value)
        return value


@dataclass(slots=True)
class WebState:
    settings: Settings
    options: WebOptions
    hooks: Hooks
    pool: WorkspacePool
    jobs: AddJobs
    renderer: Renderer
    terms: tuple[str, ...]
    sources: Cached[list[str]]
    article_count: Cached[int]
    verifier: TokenVerifier | None = None
    sessions: Sessions | None = None

    def close(self) -> None:
        self.pool.close()
        self.jobs.close()


async def get_state(request: Request) -> WebState:
    """The app's shared objects (async: FastAPI would run a plain function on a worker thread)."""
    return state_of(request)


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.suanli
    return state


async def page_context(request: Request) -> PageContext:
    return context_of(request)


def context_of(request: Request) -> PageContext:
    state = state_of(request)
    return PageContext(
        hl=pick_lang(request.query_params.get("hl"), request.cookies.get("hl")),
        path=request.url.path,
        query=tuple(request.query_params.multi_items()),
        is_team_mode=state.options.auth,
        is_logged_in=getattr(request.state, "token_id", None) is not None,
    )
