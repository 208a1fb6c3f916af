"""Routes of the brief pages and API (added to the app by :func:`suanli.web.create_app`).

``GET /brief`` shows the form and, with ``q``, the briefing; ``GET /api/brief`` returns it as JSON
(the one success shape) or, with ``format=md|html``, as a file to save. Team mode guards both like
every other route (:class:`suanli.web.security.Guard`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from suanli.brief import brief_to_dict
from suanli.workspace import Workspace

from .api import ok
from .render import PageContext
from .state import WebState, get_state, page_context
from .views.brief import BriefForm, brief_download, parse_brief_form, parse_format, run_brief

router = APIRouter()
State = Annotated[WebState, Depends(get_state)]
Ctx = Annotated[PageContext, Depends(page_context)]
EXAMPLE_QUERIES = ("寒武纪", "英伟达 H20", "国产GPU", "HBM")


async def brief_form(
    q: Annotated[str, Query(description="Words the articles must contain (zh, en or mixed)")] = "",
    since: Annotated[str, Query(description="First day, YYYY-MM-DD")] = "",
    until: Annotated[str, Query(description="Last day, YYYY-MM-DD")] = "",
    as_of: Annotated[
        str, Query(description="Brief as of the end of this day, YYYY-MM-DD; later articles are never read")
    ] = "",
    lang: Annotated[
        str, Query(description="zh or en: only articles in it, and the brief written in it")
    ] = "",
    entity: Annotated[str, Query(description="Only articles naming this entity (id, name or alias)")] = "",
) -> BriefForm:
    return parse_brief_form(q=q, since=since, until=until, as_of=as_of, lang=lang, entity=entity)


Form = Annotated[BriefForm, Depends(brief_form)]


@router.get("/brief", response_class=HTMLResponse, include_in_schema=False)
async def brief_page(state: State, ctx: Ctx, form: Form) -> Response:
    def build(ws: Workspace) -> str:
        brief = run_brief(ws, form) if form.q else None
        return state.renderer.render("brief.html", ctx, form=form, brief=brief, examples=EXAMPLE_QUERIES)

    return HTMLResponse(await state.pool.run(build))


@router.get("/api/brief", summary="A cited briefing on a query")
async def api_brief(
    state: State,
    form: Form,
    format: Annotated[str, Query(description="json (default), md or html (a file to save)")] = "json",
) -> Response:
    """The matching stories newest first, main developments citing ``[article§paragraph]``, a timeline
    and the key numbers with conflicting values side by side. ``as_of`` leaves out every article
    published after that day. ``md`` and ``html`` come as attachments that read well on their own."""
    fmt = parse_format(format)
    brief = await state.pool.run(lambda ws: run_brief(ws, form))
    if fmt == "json":
        response: Response = ok(brief=brief_to_dict(brief))
        return response
    download = brief_download(brief, fmt)
    return Response(
        download.text,
        media_type=download.media_type,
        headers={"Content-Disposition": download.content_disposition},
    )
