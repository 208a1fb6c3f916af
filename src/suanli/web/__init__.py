"""The web app: server-rendered pages and the JSON API (FastAPI + Jinja2), every asset served locally.

Example:
    >>> app = create_app(Settings(data_dir="/tmp/suanli"))  # doctest: +SKIP
    >>> serve(load_settings(), port=8000)  # doctest: +SKIP
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from suanli import __version__
from suanli.config import Settings
from suanli.dictionary import load_terms
from suanli.stages.segment import Segmenter
from suanli.workspace import Workspace

from . import api, pages, pages_brief, pages_stories, pages_watch
from .auth import (
    Sessions,
    TokenVerifier,
    create_token,
    ensure_first_token,
    list_tokens,
    revoke_token,
    token_path,
)
from .errors import error_body, install_error_handlers
from .hooks import Hooks, KnowledgeSource, StaticKnowledge, StoreKnowledge, SummarySource, store_summaries
from .pool import AddJobs, WorkspacePool
from .render import Renderer
from .security import Guard
from .state import LOOPBACK_HOSTS, Cached, WebOptions, WebState

log = logging.getLogger(__name__)

__all__ = [
    "KnowledgeSource",
    "StaticKnowledge",
    "StoreKnowledge",
    "SummarySource",
    "WebOptions",
    "create_app",
    "create_token",
    "error_body",
    "list_tokens",
    "revoke_token",
    "serve",
    "store_summaries",
]


def create_app(
    settings: Settings,
    *,
    workspace: Workspace | None = None,
    options: WebOptions | None = None,
    summaries: SummarySource | None = None,
    knowledge: KnowledgeSource | None = None,
) -> FastAPI:
    """Build the app for ``settings``.

    Steps:
        1. Build the shared pieces: the segmenter (reused from ``workspace`` when given), the reader
           pool, the add-job writer, the renderer.
        2. Mount the pages, the API and the static files; install the error handlers and the guard.

    Each reader thread opens its own connection to the store named by ``settings`` (SQLite
    connections cannot cross threads), so a ``workspace`` passed in lends only its segmenter; its
    own connection stays with the caller.
    """
    opts = options or WebOptions()
    # 1.
    terms = tuple(load_terms(settings))
    segmenter = workspace.segmenter if workspace is not None else Segmenter(terms)
    state = WebState(
        settings=settings,
        options=opts,
        hooks=Hooks(summaries=summaries, knowledge=knowledge),
        pool=WorkspacePool(settings, segmenter, size=opts.workers),
        jobs=AddJobs(settings, segmenter),
        renderer=Renderer(settings),
        terms=terms,
        sources=Cached(lambda ws: sorted(s.name for s in ws.store.list_sources()), opts.cache_s),
        article_count=Cached(lambda ws: ws.store.stats().articles, opts.cache_s),
    )
    if opts.auth:
        state.verifier = TokenVerifier(token_path(settings))
        state.sessions = Sessions()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.jobs.catch_up()
        try:
            yield
        finally:
            state.close()

    # 2.
    app = FastAPI(
        title="suanli",
        version=__version__,
        description="Search and read AI-compute news; every error body is {ok, error, errors, status}.",
        docs_url=None,  # the stock docs pages load scripts from a CDN; /api/docs is local
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.suanli = state
    # Routes are added flat rather than through include_router, so app.routes lists every route
    # (the auth test walks it) whatever FastAPI version builds nested router views.
    app.router.routes.extend(
        [
            *api.router.routes,
            *pages.router.routes,
            *pages_stories.router.routes,
            *pages_brief.router.routes,
            *pages_watch.router.routes,
        ]
    )
    app.mount("/static", StaticFiles(packages=[("suanli.web", "static")]), name="static")
    install_error_handlers(app, pages.render_error_page)
    app.add_middleware(Guard, state=state, render_html=pages.render_error_page)
    return app


def trusted_hosts_for(host: str) -> tuple[str, ...]:
    """Host headers to accept when bound to ``host``: loopback names, the bound name, or any for 0.0.0.0."""
    if host in ("0.0.0.0", "::", ""):
        return ("*",)
    return tuple(dict.fromkeys((*LOOPBACK_HOSTS, host.lower())))


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    auth: bool = False,
    summaries: SummarySource | None = None,
    knowledge: KnowledgeSource | None = None,
    log_level: str = "info",
) -> None:
    """Run the app with uvicorn until interrupted.

    In team mode (``auth``) without any token yet, a first token named 'admin' is created and
    written to ``<data_dir>/web_first_token.txt`` (mode 600); the log names the file, never the token.
    """
    import uvicorn

    if auth:
        first = ensure_first_token(settings)
        if first is not None:
            log.warning(
                "Team mode: the first API token was written to %s; read it, then delete the file", first
            )
    elif not _is_loopback(host):
        log.warning("Serving on %s without --auth: anyone who can reach this address can read and add", host)
    options = WebOptions(auth=auth, trusted_hosts=trusted_hosts_for(host))
    app = create_app(
        settings,
        options=options,
        summaries=summaries or store_summaries,
        knowledge=knowledge or StoreKnowledge(),
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False)
