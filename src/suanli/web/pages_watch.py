"""Routes of the watchlist page and API (added to the app by :func:`suanli.web.create_app`).

``GET /watches`` lists the watches and, for each, the stories stored since it was last marked as
seen; looking marks nothing. Its forms add a watch (``POST /watches``), remove one
(``POST /watches/remove``) and mark all as seen (``POST /watches/run``); each answers 303 back to
the page, or on bad input the page itself with the message and a 4xx status. ``/api/watches`` does
the same in JSON, and ``POST /api/watches/run`` returns the reports ``suanli watch run --json``
prints. Team mode and the Origin check guard them like every other route
(:class:`suanli.web.security.Guard`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from suanli.errors import BadQueryError, NotFoundError
from suanli.watch import WatchReport, add_watch, report_to_dict, watch_label, watch_to_dict
from suanli.workspace import Workspace

from .api import ErrorBody, ok
from .render import PageContext, article_url
from .state import WebState, get_state, page_context
from .views.story import story_url
from .views.watch import (
    WatchForm,
    add_from_form,
    build_watch_list,
    mark_seen,
    parse_notice,
    parse_until,
    parse_watch_id,
    parse_watch_kind,
    remove_listed_watch,
    watch_reports,
)

router = APIRouter()
State = Annotated[WebState, Depends(get_state)]
Ctx = Annotated[PageContext, Depends(page_context)]
PAGE = "/watches"
_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 500)}


class WatchRequest(BaseModel):
    """Body of ``POST /api/watches``: exactly one of ``query`` and ``entity``."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, description="Words an article must all contain, e.g. 'H20 停产'")
    entity: str | None = Field(None, description="An entity's name, alias, ticker or id, e.g. '寒武纪'")


# -- JSON --------------------------------------------------------------------------------------


def watch_report_json(report: WatchReport) -> dict[str, Any]:
    """One report as ``suanli watch run --json`` prints it, plus ``story_url`` and ``page_url`` links."""
    data = report_to_dict(report)
    for story, out in zip(report.stories, data["stories"], strict=True):
        out["lead"]["page_url"] = article_url(story.lead.article_id)
        out["story_url"] = story_url(story.story_id)
    return data


def _request_text(body: WatchRequest) -> tuple[str, bool]:
    """The text to watch and whether it names an entity."""
    if (body.query is None) == (body.entity is None):
        raise BadQueryError(
            "Send exactly one of 'query' and 'entity' in the JSON body, "
            'e.g. {"query": "H20 停产"} or {"entity": "寒武纪"}'
        )
    if body.entity is not None:
        return body.entity, True
    return body.query or "", False


# -- page --------------------------------------------------------------------------------------


def _page_html(
    state: WebState, ctx: PageContext, ws: Workspace, *, form: WatchForm, error: BadQueryError | NotFoundError
) -> HTMLResponse:
    """The page again with the one message, the typed form kept, and the error's status."""
    view = build_watch_list(ws, form=form, errors=[str(error)])
    # The form posted to /watches/...; the language link must lead back to the page, not to a POST route.
    text = state.renderer.render(
        "watches.html", replace(ctx, path=PAGE, query=()), view=view, story_url=story_url
    )
    return HTMLResponse(text, status_code=error.status)


def _back(done: str, number: int) -> RedirectResponse:
    """303 to the page (a reload does not post again), saying what was done for the notice."""
    anchor = f"#watch-{number}" if done in ("added", "existing") else ""
    return RedirectResponse(f"{PAGE}?{done}={number}{anchor}", status_code=303)


@router.get(PAGE, response_class=HTMLResponse, include_in_schema=False)
async def watches_page(request: Request, state: State, ctx: Ctx) -> Response:
    notice = parse_notice(request.query_params)

    def build(ws: Workspace) -> str:
        view = build_watch_list(ws, notice=notice)
        return state.renderer.render("watches.html", ctx, view=view, story_url=story_url)

    return HTMLResponse(await state.pool.run(build))


@router.post(PAGE, include_in_schema=False)
async def watch_add_submit(
    state: State,
    ctx: Ctx,
    text: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "query",
) -> Response:
    def work(ws: Workspace) -> Response:
        form = WatchForm(text=text)
        try:
            form = WatchForm(parse_watch_kind(kind), text)
            watch, created = add_from_form(ws, form)
        except BadQueryError as exc:
            return _page_html(state, ctx, ws, form=form, error=exc)
        return _back("added" if created else "existing", watch.watch_id)

    return await state.pool.run(work)


@router.post(f"{PAGE}/remove", include_in_schema=False)
async def watch_remove_submit(state: State, ctx: Ctx, watch_id: Annotated[str, Form()] = "") -> Response:
    def work(ws: Workspace) -> Response:
        try:
            removed = remove_listed_watch(ws, parse_watch_id(watch_id))
        except (BadQueryError, NotFoundError) as exc:
            return _page_html(state, ctx, ws, form=WatchForm(), error=exc)
        return _back("removed", removed.watch_id)

    return await state.pool.run(work)


@router.post(f"{PAGE}/run", include_in_schema=False)
async def watch_run_submit(state: State, ctx: Ctx, until: Annotated[str, Form()] = "") -> Response:
    """Mark all as seen, up to the moment the page was shown (its hidden ``until``)."""

    def work(ws: Workspace) -> Response:
        try:
            marked = mark_seen(ws, until=parse_until(until))
        except (BadQueryError, NotFoundError) as exc:
            return _page_html(state, ctx, ws, form=WatchForm(), error=exc)
        return _back("marked", marked)

    return await state.pool.run(work)


# -- API ---------------------------------------------------------------------------------------


@router.get("/api/watches", summary="Watches and their new stories (marks nothing)", responses=_ERRORS)
async def api_watches(state: State) -> JSONResponse:
    """Every watch with the stories stored since it last ran, as ``POST /api/watches/run`` would list
    them, without marking anything (``suanli watch run --peek --json``)."""
    payload = await state.pool.run(lambda ws: [watch_report_json(r) for r in watch_reports(ws, mark=False)])
    return ok(watches=payload)


@router.post(
    "/api/watches",
    status_code=201,
    summary="Watch a query or an entity",
    responses={**_ERRORS, 200: {"description": "Watched already: the existing watch"}},
)
async def api_watch_add(state: State, body: WatchRequest) -> JSONResponse:
    """``{"query": "H20 停产"}`` watches articles holding every word; ``{"entity": "寒武纪"}`` an entity
    by name, alias, ticker or id. 201 with the new watch, or 200 with the existing one (``created``
    false) when it is watched already."""
    text, entity = _request_text(body)

    def add(ws: Workspace) -> tuple[dict[str, Any], bool]:
        watch, created = add_watch(ws, text, entity=entity)
        return watch_to_dict(watch, watch_label(ws, watch)), created

    payload, created = await state.pool.run(add)
    response = ok(watch=payload, created=created)
    response.status_code = 201 if created else 200
    return response


@router.delete("/api/watches/{watch_id}", summary="Stop watching", responses=_ERRORS)
async def api_watch_remove(state: State, watch_id: int) -> JSONResponse:
    """Removes the watch and returns it as it was; 404 for an unknown id."""

    def remove(ws: Workspace) -> dict[str, Any]:
        watch = remove_listed_watch(ws, watch_id)
        return watch_to_dict(watch, watch_label(ws, watch))

    return ok(watch=await state.pool.run(remove))


@router.post("/api/watches/run", summary="Run the watches and mark them", responses=_ERRORS)
async def api_watch_run(
    state: State,
    watch_ids: Annotated[
        list[int] | None, Query(alias="id", description="Only this watch (repeatable)")
    ] = None,
) -> JSONResponse:
    """The stories each watch has had since it last ran, then marks them as run, so a second call
    lists nothing new: ``watches`` holds what ``suanli watch run --json`` prints."""

    def run(ws: Workspace) -> list[dict[str, Any]]:
        return [watch_report_json(r) for r in watch_reports(ws, mark=True, watch_ids=watch_ids or None)]

    return ok(watches=await state.pool.run(run))
