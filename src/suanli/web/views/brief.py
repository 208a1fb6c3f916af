"""Briefing view: the form of ``/brief`` and ``/api/brief``, and the briefing it asks for."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal
from urllib.parse import quote, urlencode

from suanli.brief import Brief, render_brief_html, render_brief_markdown
from suanli.briefing import make_brief
from suanli.errors import BadQueryError
from suanli.models import Lang
from suanli.search import LANGS
from suanli.workspace import Workspace

from .search import parse_day

BriefFormat = Literal["json", "md", "html"]
BRIEF_FORMATS: tuple[BriefFormat, ...] = ("json", "md", "html")
_MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class BriefForm:
    """Parameters of a briefing, as the page form and ``/api/brief`` take them."""

    q: str = ""
    since: date | None = None
    until: date | None = None
    as_of: date | None = None
    lang: Lang | None = None
    entity: str | None = None

    @property
    def has_filters(self) -> bool:
        return any((self.since, self.until, self.as_of, self.lang, self.entity))

    def params(self, **changes: object) -> dict[str, str]:
        """The fields that are set, as query parameters (for links)."""
        form = replace(self, **changes)  # type: ignore[arg-type]  # replace checks the field names
        out = {"q": form.q}
        for name in ("since", "until", "as_of", "lang", "entity"):
            value = getattr(form, name)
            if value:
                out[name] = str(value)
        return out

    def url(self, path: str = "/brief", **extra: str) -> str:
        return f"{path}?{urlencode({**self.params(), **extra})}"

    def download_url(self, fmt: BriefFormat) -> str:
        return self.url("/api/brief", format=fmt)


@dataclass(frozen=True, slots=True)
class BriefDownload:
    """A rendered briefing file: its text, media type and the name to save it under."""

    text: str
    media_type: str
    filename: str

    @property
    def content_disposition(self) -> str:
        # An ASCII name for old clients, the real (often Chinese) one in RFC 5987 form for the rest.
        ascii_name = "suanli-brief." + self.filename.rsplit(".", 1)[-1]
        return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.filename)}"


def parse_brief_form(
    *,
    q: str = "",
    since: str | None = None,
    until: str | None = None,
    as_of: str | None = None,
    lang: str | None = None,
    entity: str | None = None,
) -> BriefForm:
    """Check raw parameters (an empty string means "not set"); raises BadQueryError naming the bad one."""
    lang = lang or None
    if lang is not None and lang not in LANGS:
        raise BadQueryError(f"Parameter 'lang' must be one of {', '.join(LANGS)}, got '{lang}'")
    return BriefForm(
        q=q.strip(),
        since=parse_day("since", since),
        until=parse_day("until", until),
        as_of=parse_day("as_of", as_of),
        lang=lang,  # type: ignore[arg-type]  # checked against LANGS above
        entity=(entity or "").strip() or None,
    )


def parse_format(value: str | None) -> BriefFormat:
    fmt = (value or "json").strip().lower()
    if fmt not in BRIEF_FORMATS:
        raise BadQueryError(f"Parameter 'format' must be one of {', '.join(BRIEF_FORMATS)}, got '{value}'")
    return fmt


def run_brief(ws: Workspace, form: BriefForm) -> Brief:
    """The briefing a form asks for (the page shows it; the API serializes it)."""
    if not form.q:
        raise BadQueryError("Parameter 'q' is empty; give at least one word, e.g. q=寒武纪")
    return make_brief(
        ws,
        form.q,
        since=form.since,
        until=form.until,
        as_of=form.as_of,
        lang=form.lang,
        entity=form.entity,
    )


def brief_download(brief: Brief, fmt: Literal["md", "html"]) -> BriefDownload:
    """The briefing as a Markdown or standalone HTML file named after its query and day."""
    text = render_brief_markdown(brief) if fmt == "md" else render_brief_html(brief)
    return BriefDownload(text, _MEDIA_TYPES[fmt], f"{_file_stem(brief)}.{fmt}")


def _file_stem(brief: Brief) -> str:
    words = "-".join(brief.query.split())
    safe = "".join(c for c in words if c.isalnum() or c in "-_")[:60] or "query"
    day = brief.as_of or brief.until
    return f"brief-{safe}" + (f"-{day.date().isoformat()}" if day is not None else "")
