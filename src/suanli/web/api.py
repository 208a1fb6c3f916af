"""The JSON API under ``/api``: search, articles, entities, facts, events, sources, stats and add jobs.

Successful bodies carry ``"ok": true``; errors have the one shape of :func:`suanli.web.errors.error_body`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from suanli.errors import BadQueryError, UnsupportedInputError
from suanli.search import MAX_LIMIT
from suanli.workspace import Workspace

from .pool import JobSnapshot
from .render import article_url
from .state import WebState, get_state
from .views import (
    ArticleView,
    HitView,
    SearchForm,
    SearchView,
    build_article,
    build_entity,
    build_entity_list,
    chart_series,
    fact_view,
    parse_search_form,
    run_search,
    timeline,
)

MAX_ADD_URLS = 100


class ErrorBody(BaseModel):
    """The shape of every API error."""

    ok: bool = False
    error: str
    errors: list[str]
    status: int


class AddRequest(BaseModel):
    urls: list[str] = Field(min_length=1, max_length=MAX_ADD_URLS, description="Article or feed URLs")
    feed: bool = Field(False, description="Register each URL as a feed source for 'suanli update'")
    source: str | None = Field(None, max_length=100, description="Source name for every article")


_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 500)}
router = APIRouter(prefix="/api", responses=_ERRORS)
State = Annotated[WebState, Depends(get_state)]


def to_json(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as JSON-ready values (dates in ISO 8601)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def ok(**payload: Any) -> JSONResponse:
    """A success body; values must already be JSON-ready (pass records through :func:`to_json`)."""
    return JSONResponse({"ok": True, **payload})


SEARCH_PARAMETERS: tuple[tuple[str, str, str], ...] = (
    ("q", "string", "Words that must all occur (zh, en or mixed)"),
    ("since", "string", "First day, YYYY-MM-DD"),
    ("until", "string", "Last day, YYYY-MM-DD"),
    ("source", "string", "Only this source"),
    ("lang", "string", "zh or en"),
    ("sort", "string", "relevance (default) or date"),
    ("entity", "string", "Only articles about this entity id"),
    ("event_type", "string", "Only articles reporting this event type"),
    ("page", "integer", "Page number, from 1"),
    ("per_page", "integer", f"Results per page, 1-{MAX_LIMIT} (default 10)"),
    ("all_reports", "string", "1: every article a hit; default: one hit per story, its other reports folded"),
)
SEARCH_OPENAPI = {
    "parameters": [
        {"name": name, "in": "query", "required": name == "q", "schema": {"type": kind}, "description": text}
        for name, kind, text in SEARCH_PARAMETERS
    ]
}


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadQueryError(f"Parameter '{name}' must be a whole number, got '{raw}'") from exc


async def search_form(request: Request) -> SearchForm:
    """The search parameters of the page and the API, checked by :func:`parse_search_form`.

    Read straight from the query string rather than declared one by one: FastAPI's per-parameter
    validation cost about a millisecond per search; the OpenAPI entry lists them (SEARCH_OPENAPI).
    """
    params = request.query_params
    return parse_search_form(
        q=params.get("q", ""),
        since=params.get("since"),
        until=params.get("until"),
        source=params.get("source"),
        lang=params.get("lang"),
        sort=params.get("sort"),
        entity=params.get("entity"),
        event_type=params.get("event_type"),
        page=_int_param(request, "page", 1),
        per_page=_int_param(request, "per_page", 10),
        all_reports=params.get("all_reports"),
    )


def hit_json(hit: HitView) -> dict[str, Any]:
    # Written out rather than through to_json: this runs ten times per search, the hot path.
    snippet = hit.snippet
    return {
        "article_id": hit.article_id,
        "title": hit.title,
        "source": hit.source,
        "published_at": hit.published_at.isoformat() if hit.published_at else None,
        "lang": hit.lang,
        "score": hit.score,
        "url": hit.url,
        "page_url": article_url(hit.article_id),
        "snippet": {
            "text": snippet.text,
            "paragraph_number": snippet.paragraph_number,
            "highlights": [list(h) for h in snippet.highlights],
        },
        "summary": to_json(hit.summary),
        "story_id": hit.story_id,
        "story_url": hit.story_url,
        "other_reports": [
            {
                "article_id": r.article_id,
                "title": r.title,
                "source": r.source,
                "published_at": r.published_at.isoformat() if r.published_at else None,
                "url": r.url,
                "page_url": article_url(r.article_id),
            }
            for r in hit.other_reports
        ],
    }


def search_json(view: SearchView) -> dict[str, Any]:
    hits = [hit_json(hit) for hit in view.hits]
    return {
        "query": view.form.q,
        "terms": list(view.terms),
        "total": view.total,
        "is_total_partial": view.is_total_partial,
        "all_reports": view.form.all_reports,
        "card_total": view.card_total,
        "page": view.pagination.page,
        "pages": view.pagination.pages,
        "per_page": view.form.per_page,
        "hits": hits,
    }


def article_json(view: ArticleView) -> dict[str, Any]:
    article = view.article
    data = to_json(article)
    data["paragraphs"] = [{"number": b.number, "text": b.text} for b in article.paragraphs]
    data["page_url"] = article_url(article.article_id)
    return {
        "article": data,
        "summary": to_json(view.summary),
        "keywords": list(view.keywords),
        "related": to_json(view.related),
    }


def job_json(job: JobSnapshot) -> dict[str, Any]:
    data: dict[str, Any] = to_json(job)
    data["status_url"] = f"/api/add/{job.job_id}"
    return data


def _page(items: Sequence[Any], page: int, per_page: int) -> dict[str, Any]:
    if page < 1 or not 1 <= per_page <= MAX_LIMIT:
        raise BadQueryError(
            f"Parameters 'page' (1 or more) and 'per_page' (1-{MAX_LIMIT}) are out of range, got "
            f"'{page}' and '{per_page}'"
        )
    start = (page - 1) * per_page
    return {"total": len(items), "page": page, "per_page": per_page, "items": items[start : start + per_page]}


@router.get("/search", summary="Search articles", openapi_extra=SEARCH_OPENAPI)
async def api_search(state: State, form: Annotated[SearchForm, Depends(search_form)]) -> JSONResponse:
    """Articles matching every word of ``q``, newest or most relevant first, with a snippet each
    (the best paragraph, its number and the matched spans) and the summary where there is one.
    One hit per story (its earliest report; ``other_reports`` lists the rest) unless ``all_reports=1``;
    ``total`` counts articles, ``card_total`` the stories they form (null when not known)."""
    if not form.q:
        raise BadQueryError("Parameter 'q' is empty; give at least one word, e.g. q=算力")
    payload = await state.pool.run(lambda ws: search_json(run_search(ws, form, state.hooks)))
    return ok(**payload)


@router.get("/articles/{article_id}", summary="One article")
async def api_article(state: State, article_id: str) -> JSONResponse:
    """An article with its blocks, numbered paragraphs, summary, keywords and related articles.
    ``article_id`` may be a unique prefix of at least 4 characters."""
    payload = await state.pool.run(
        lambda ws: article_json(build_article(ws, article_id, state.hooks, state.terms))
    )
    return ok(**payload)


@router.get("/entities", summary="Entities of the knowledge base")
async def api_entities(state: State) -> JSONResponse:
    """Entities grouped by type; ``has_knowledge`` is false while the server has no knowledge base."""
    view = await state.pool.run(lambda ws: build_entity_list(ws, state.hooks))
    entities = [e for _, group in view.groups for e in group]
    return ok(has_knowledge=view.has_knowledge, total=view.total, entities=to_json(entities))


@router.get("/entities/{entity_id}", summary="One entity with its facts, events and charts")
async def api_entity(state: State, entity_id: str) -> JSONResponse:
    view = await state.pool.run(lambda ws: build_entity(ws, state.hooks, entity_id))
    return ok(
        entity=to_json(view.entity),
        vendor=to_json(view.vendor),
        parent=to_json(view.parent),
        facts=to_json(view.facts),
        events=to_json(view.events),
        charts=to_json(view.charts),
    )


@router.get("/facts", summary="Numeric facts")
async def api_facts(
    state: State,
    entity_id: Annotated[str | None, Query(description="Only facts about this entity")] = None,
    metric: Annotated[str | None, Query(description="Only this metric, e.g. market_share")] = None,
    page: int = 1,
    per_page: int = 50,
) -> JSONResponse:
    """Typed numeric facts, each citing its article and paragraph, and the series they chart."""
    knowledge = state.hooks.knowledge
    if knowledge is None:
        return ok(has_knowledge=False, **_page([], page, per_page), charts=[])

    def build(ws: Workspace) -> dict[str, Any]:
        facts = [f for f in knowledge.facts(ws, entity_id) if metric is None or f.metric == metric]
        out: dict[str, Any] = to_json(_page([fact_view(f) for f in facts], page, per_page))
        out["charts"] = to_json(chart_series(facts))
        return out

    return ok(has_knowledge=True, **await state.pool.run(build))


@router.get("/events", summary="Market events")
async def api_events(
    state: State,
    entity_id: Annotated[str | None, Query(description="Only events involving this entity")] = None,
    event_type: Annotated[str | None, Query(description="Only this event type, e.g. export_control")] = None,
    page: int = 1,
    per_page: int = 50,
) -> JSONResponse:
    """Events, newest first, each with the article paragraphs that report it."""
    knowledge = state.hooks.knowledge
    if knowledge is None:
        return ok(has_knowledge=False, **_page([], page, per_page))

    def build(ws: Workspace) -> dict[str, Any]:
        events = [
            e for e in knowledge.events(ws, entity_id) if event_type is None or e.event_type == event_type
        ]
        out: dict[str, Any] = to_json(_page(timeline(events), page, per_page))
        return out

    return ok(has_knowledge=True, **await state.pool.run(build))


@router.get("/sources", summary="Sources and their article counts")
async def api_sources(state: State) -> JSONResponse:
    rows = await state.pool.run(lambda ws: ws.store.list_sources())
    return ok(sources=to_json(rows))


@router.get("/stats", summary="Counts of articles, paragraphs and sources")
async def api_stats(state: State) -> JSONResponse:
    stats = await state.pool.run(lambda ws: ws.store.stats())
    return ok(stats=to_json(stats))


def check_urls(urls: Sequence[str]) -> list[str]:
    """The http(s) URLs of an add request; raises UnsupportedInputError naming every other input.

    The web app never reads local paths: a browser user must not make the server open its files.
    """
    cleaned = [u.strip() for u in urls if u.strip()]
    bad = [u for u in cleaned if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise UnsupportedInputError(
            f"Input '{bad[0]}' is not an http:// or https:// URL; the web app adds URLs only "
            "(use 'suanli add' for files)"
            + (f"; {len(bad) - 1} more of the inputs are not URLs either" if len(bad) > 1 else "")
        )
    if not cleaned:
        raise UnsupportedInputError("No URL given; paste at least one http:// or https:// URL")
    if len(cleaned) > MAX_ADD_URLS:
        raise UnsupportedInputError(f"{len(cleaned)} URLs given; send at most {MAX_ADD_URLS} at a time")
    return cleaned


@router.post("/add", status_code=202, summary="Start an add job")
async def api_add(state: State, body: AddRequest) -> JSONResponse:
    """Fetch article and feed URLs in the background; poll ``status_url`` for progress and results."""
    urls = check_urls(body.urls)
    job_id = state.jobs.start(urls, register_feeds=body.feed, source=(body.source or "").strip() or None)
    response = ok(job=job_json(state.jobs.get(job_id)))
    response.status_code = 202
    return response


@router.get("/add/{job_id}", summary="Progress and results of an add job")
async def api_add_status(state: State, job_id: str) -> JSONResponse:
    return ok(job=job_json(state.jobs.get(job_id)))
