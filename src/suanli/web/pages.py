"""The HTML pages: search, article, entities, add, login, the API reference and the error page."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from suanli.knowledge.models import EVENT_TYPES
from suanli.workspace import Workspace

from .api import check_urls, search_form
from .errors import error_response
from .i18n import metric_label
from .render import PageContext
from .security import SESSION_COOKIE
from .state import WebState, context_of, get_state, page_context, state_of
from .views import SearchForm, build_article, build_entity, build_entity_list, run_search

router = APIRouter(include_in_schema=False)
State = Annotated[WebState, Depends(get_state)]
Ctx = Annotated[PageContext, Depends(page_context)]
EXAMPLE_QUERIES = ("算力", "寒武纪 市值", "H20停产", "国产GPU", "UE8M0 FP8", "HBM export controls")


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status)


def render_error_page(request: Request, status: int, errors: list[str]) -> Response:
    """``error.html`` with the messages; in team mode a 401 shows the login form."""
    state = state_of(request)
    ctx = context_of(request)
    text = state.renderer.render(
        "error.html",
        ctx,
        status=status,
        errors=errors,
        q=request.query_params.get("q", ""),
        next_url=ctx.current_url if request.method == "GET" else "/",
    )
    return _html(text, status)


@router.get("/", response_class=HTMLResponse)
async def search_page(state: State, ctx: Ctx, form: Annotated[SearchForm, Depends(search_form)]) -> Response:
    hooks = state.hooks

    def build(ws: Workspace) -> str:
        sources = state.sources.get(ws)
        entities = hooks.knowledge.entities(ws) if hooks.knowledge is not None else ()
        values: dict[str, Any] = {
            "form": form,
            "sources": sources,
            "entities": entities,
            "event_types": EVENT_TYPES if hooks.knowledge is not None else (),
            "examples": EXAMPLE_QUERIES,
            "view": None,
            "article_count": None,
        }
        if form.q:
            values["view"] = run_search(ws, form, hooks)
        else:
            values["article_count"] = state.article_count.get(ws)
        return state.renderer.render("search.html", ctx, **values)

    return _html(await state.pool.run(build))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(state: State, ctx: Ctx, article_id: str) -> Response:
    def build(ws: Workspace) -> str:
        view = build_article(ws, article_id, state.hooks, state.terms)
        return state.renderer.render("article.html", ctx, view=view)

    return _html(await state.pool.run(build))


@router.get("/entities", response_class=HTMLResponse)
async def entities_page(state: State, ctx: Ctx) -> Response:
    def build(ws: Workspace) -> str:
        return state.renderer.render("entities.html", ctx, view=build_entity_list(ws, state.hooks))

    return _html(await state.pool.run(build))


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
async def entity_page(state: State, ctx: Ctx, entity_id: str) -> Response:
    if state.hooks.knowledge is None:
        text = state.renderer.render("entities.html", ctx, view=None)
        return _html(text, 404)

    def build(ws: Workspace) -> str:
        view = build_entity(ws, state.hooks, entity_id)
        charts = [
            {
                "label": f"{metric_label(s.metric, ctx.hl)}{' · ' + s.aspect if s.aspect else ''}"
                + (f" ({s.unit})" if s.unit else ""),
                "labels": list(s.labels),
                "values": list(s.values),
            }
            for s in view.charts
        ]
        return state.renderer.render("entity.html", ctx, view=view, charts=charts)

    return _html(await state.pool.run(build))


@router.get("/add", response_class=HTMLResponse)
async def add_page(state: State, ctx: Ctx, job: str | None = None) -> Response:
    snapshot = state.jobs.get(job) if job else None
    return _html(state.renderer.render("add.html", ctx, job=snapshot, errors=[]))


@router.post("/add")
async def add_submit(
    request: Request,
    state: State,
    urls: Annotated[str, Form()] = "",
    feed: Annotated[str | None, Form()] = None,
    source: Annotated[str, Form()] = "",
) -> Response:
    """Start an add job and show its progress page (303, so a reload does not post again)."""
    lines = [line for line in urls.splitlines() if line.strip()]
    job_id = state.jobs.start(check_urls(lines), register_feeds=bool(feed), source=source.strip() or None)
    return RedirectResponse(f"/add?job={job_id}", status_code=303)


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs_page(request: Request, state: State, ctx: Ctx) -> Response:
    """A reference of the API drawn from the OpenAPI schema (no third-party script, no CDN)."""
    schema = request.app.openapi()
    return _html(state.renderer.render("api_docs.html", ctx, schema=schema))


# -- team mode ---------------------------------------------------------------------------------


def _safe_next(next_url: str) -> str:
    """Only same-site paths: ``//evil.example`` or ``https://...`` would make the login an open redirect."""
    if next_url.startswith("/") and not next_url.startswith("//") and "\\" not in next_url:
        return next_url
    return "/"


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, state: State, ctx: Ctx, next: str = "/") -> Response:
    if not state.options.auth:
        return RedirectResponse("/", status_code=303)
    return _html(state.renderer.render("login.html", ctx, next_url=_safe_next(next), errors=[]))


@router.post("/login")
async def login_submit(
    request: Request,
    state: State,
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if not state.options.auth or state.verifier is None or state.sessions is None:
        return RedirectResponse("/", status_code=303)
    token_id = await anyio.to_thread.run_sync(state.verifier.verify, token)
    if token_id is None:
        message = "The API token is not valid; check it or ask your administrator for a new one"
        return error_response(request, 401, [message], render_error_page)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        state.sessions.create(token_id),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout(request: Request, state: State) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and state.sessions is not None:
        state.sessions.drop(session_id)
    response = RedirectResponse("/login" if state.options.auth else "/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
