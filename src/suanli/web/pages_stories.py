"""Routes of the stories pages and API (added to the app by :func:`suanli.web.create_app`).

``GET /stories/{story_id}`` lists a story's reports earliest first; ``GET /api/stories/{story_id}``
returns them as JSON. Either takes a story id (``s-...``) or an article id (its story). Team mode
guards both like every other route (:class:`suanli.web.security.Guard`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, JSONResponse, Response

from suanli.models import StoryReport
from suanli.workspace import Workspace

from .api import ErrorBody, ok
from .render import PageContext, article_url
from .state import WebState, get_state, page_context
from .views.story import StoryView, build_story, story_url

router = APIRouter()
State = Annotated[WebState, Depends(get_state)]
Ctx = Annotated[PageContext, Depends(page_context)]
_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 500)}


def report_json(report: StoryReport) -> dict[str, Any]:
    return {
        "article_id": report.article_id,
        "title": report.title,
        "source": report.source,
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "url": report.url,
        "lang": report.lang,
        "rule": report.rule,
        "page_url": article_url(report.article_id),
    }


def story_json(view: StoryView) -> dict[str, Any]:
    return {
        "story_id": view.story_id,
        "title": view.title,
        "page_url": story_url(view.story_id) if view.story_id else None,
        "reports": [report_json(r) for r in view.reports],
    }


@router.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
async def story_page(state: State, ctx: Ctx, story_id: str) -> Response:
    def build(ws: Workspace) -> str:
        return state.renderer.render("story.html", ctx, view=build_story(ws, story_id))

    return HTMLResponse(await state.pool.run(build))


@router.get("/api/stories/{story_id}", summary="One story with its reports", responses=_ERRORS)
async def api_story(state: State, story_id: str) -> JSONResponse:
    """The reports of a story, earliest first, each with source, date, URL and ``rule`` (how it joined:
    ``new``, ``near_duplicate`` or ``same_event``). ``story_id`` may also be an article id or prefix."""
    payload = await state.pool.run(lambda ws: story_json(build_story(ws, story_id)))
    return ok(story=payload)
