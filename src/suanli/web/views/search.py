"""Search view: the form, one card per story with highlighted snippets and summaries, and the pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal
from urllib.parse import urlencode

from suanli.config import Settings
from suanli.errors import BadQueryError
from suanli.models import Lang, SearchHit, SearchQuery, SearchResult, Snippet, StoryReport
from suanli.search import (
    LANGS,
    MAX_LIMIT,
    SORTS,
    search_articles,
)
from suanli.web.hooks import Hooks, StoreKnowledge
from suanli.workspace import Workspace

from .story import story_url
from .summary import SummaryView, summaries_for

MAX_RESULTS = 1000  # deepest result reachable by paging; deeper pages are refused with a hint
_SortName = Literal["relevance", "date"]
_TRUE = ("1", "true", "on", "yes")
_FALSE = ("", "0", "false", "off", "no")


@dataclass(frozen=True, slots=True)
class SearchForm:
    """Parameters of a search, as the page form and ``/api/search`` take them."""

    q: str = ""
    since: date | None = None
    until: date | None = None
    source: str | None = None
    lang: Lang | None = None
    sort: _SortName = "relevance"
    entity: str | None = None
    event_type: str | None = None
    page: int = 1
    per_page: int = 10
    all_reports: bool = False  # every article a card, rather than one card per story

    @property
    def has_filters(self) -> bool:
        return any((self.since, self.until, self.source, self.lang, self.entity, self.event_type))

    def params(self, **changes: object) -> dict[str, str]:
        """The fields that differ from the defaults, as query parameters (for links)."""
        form = replace(self, **changes)  # type: ignore[arg-type]  # replace checks the field names
        out = {"q": form.q}
        for name in ("since", "until", "source", "lang", "entity", "event_type"):
            value = getattr(form, name)
            if value:
                out[name] = str(value)
        if form.sort != "relevance":
            out["sort"] = form.sort
        if form.all_reports:
            out["all_reports"] = "1"
        if form.page != 1:
            out["page"] = str(form.page)
        if form.per_page != 10:
            out["per_page"] = str(form.per_page)
        return out

    def url(self, path: str = "/", **changes: object) -> str:
        return f"{path}?{urlencode(self.params(**changes))}"


def parse_search_form(
    *,
    q: str = "",
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    lang: str | None = None,
    sort: str | None = None,
    entity: str | None = None,
    event_type: str | None = None,
    page: int = 1,
    per_page: int = 10,
    all_reports: str | None = None,
) -> SearchForm:
    """Check raw parameters (an empty string means "not set"); raises BadQueryError naming the bad one."""
    lang = lang or None
    every = (all_reports or "").strip().lower()
    if every not in _TRUE + _FALSE:
        raise BadQueryError(f"Parameter 'all_reports' must be 1 or 0, got '{all_reports}'")
    sort = sort or "relevance"
    if lang is not None and lang not in LANGS:
        raise BadQueryError(f"Parameter 'lang' must be one of {', '.join(LANGS)}, got '{lang}'")
    if sort not in SORTS:
        raise BadQueryError(f"Parameter 'sort' must be one of {', '.join(SORTS)}, got '{sort}'")
    if not 1 <= per_page <= MAX_LIMIT:
        raise BadQueryError(f"Parameter 'per_page' must be between 1 and {MAX_LIMIT}, got '{per_page}'")
    if page < 1:
        raise BadQueryError(f"Parameter 'page' must be 1 or more, got '{page}'")
    if (page - 1) * per_page >= MAX_RESULTS:
        raise BadQueryError(
            f"Page '{page}' is beyond the first {MAX_RESULTS} results; "
            "narrow the search with more words or filters"
        )
    return SearchForm(
        q=q.strip(),
        since=parse_day("since", since),
        until=parse_day("until", until),
        source=(source or "").strip() or None,
        lang=lang,  # type: ignore[arg-type]  # checked against LANGS above
        sort=sort,  # type: ignore[arg-type]  # checked against SORTS above
        entity=(entity or "").strip() or None,
        event_type=(event_type or "").strip() or None,
        page=page,
        per_page=per_page,
        all_reports=every in _TRUE,
    )


def parse_day(name: str, value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` query parameter (empty: None); raises BadQueryError naming the parameter."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadQueryError(f"Parameter '{name}' must be a day like 2025-08-22, got '{value}'") from exc


def search_query(form: SearchForm, settings: Settings) -> SearchQuery:
    """The core query of a form: days become their first and last moment in the configured time zone."""

    def bound(day: date | None, *, end: bool) -> datetime | None:
        if day is None:
            return None
        moment = datetime.combine(day, time.min, tzinfo=settings.tz)
        return moment + timedelta(days=1, microseconds=-1) if end else moment

    return SearchQuery(
        text=form.q,
        since=bound(form.since, end=False),
        until=bound(form.until, end=True),
        source=form.source,
        lang=form.lang,
        sort=form.sort,
        limit=form.per_page,
        offset=(form.page - 1) * form.per_page,
        all_reports=form.all_reports,
    )


@dataclass(frozen=True, slots=True)
class TextSpan:
    text: str
    is_match: bool = False


@dataclass(frozen=True, slots=True)
class HitView:
    article_id: str
    title: str
    source: str
    published_at: datetime | None
    lang: Lang
    score: float
    url: str | None
    snippet: Snippet
    snippet_spans: tuple[TextSpan, ...]
    summary: SummaryView | None = None
    story_id: str | None = None
    other_reports: tuple[StoryReport, ...] = ()  # the story's other reports, earliest first

    @property
    def story_url(self) -> str | None:
        return story_url(self.story_id) if self.story_id else None


@dataclass(frozen=True, slots=True)
class Pagination:
    page: int
    pages: int
    numbers: tuple[int | None, ...]  # None marks a gap ("…")

    @property
    def prev_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


@dataclass(frozen=True, slots=True)
class SearchView:
    form: SearchForm
    terms: tuple[str, ...]
    total: int
    hits: tuple[HitView, ...]
    pagination: Pagination
    is_total_partial: bool = False  # a knowledge filter counted only the first matches
    card_total: int | None = None  # stories the matching articles form, when known


def run_search(ws: Workspace, form: SearchForm, hooks: Hooks) -> SearchView:
    """The search that both the page and ``/api/search`` show: hits, snippets, summaries, pages."""
    query = search_query(form, ws.settings)
    if (form.entity or form.event_type) and not isinstance(hooks.knowledge, StoreKnowledge):
        result, is_partial = _filtered_search(ws, query, form, hooks)
    else:
        # Stored knowledge is in the index too, so the filters run there, over every match.
        query = replace(query, entity=form.entity or None, event_type=form.event_type or None)
        result, is_partial = search_articles(query, ws), False
    summaries = summaries_for(ws, hooks, [h.article_id for h in result.hits])
    views = tuple(_hit_view(h, summaries.get(h.article_id)) for h in result.hits)
    # Pages step through cards: through stories when their number is known, else through articles.
    cards = result.card_total if result.card_total is not None else result.total
    return SearchView(
        form,
        result.terms,
        result.total,
        views,
        paginate(form.page, cards, form.per_page),
        is_partial,
        None if form.all_reports else result.card_total,
    )


def _filtered_search(
    ws: Workspace, query: SearchQuery, form: SearchForm, hooks: Hooks
) -> tuple[SearchResult, bool]:
    """Hits restricted to the articles a knowledge source outside the store links to the entity and
    event type, and whether the count is partial (see ``search_articles``' ``only``)."""
    if hooks.knowledge is None:
        raise BadQueryError(
            "Filters 'entity' and 'event_type' need the knowledge base, which this server does not have "
            "yet; remove them"
        )
    allowed = set(hooks.knowledge.article_ids(ws, entity_id=form.entity, event_type=form.event_type))
    result = search_articles(query, ws, only=allowed)
    return result, result.is_total_partial


def _hit_view(hit: SearchHit, summary: SummaryView | None) -> HitView:
    return HitView(
        article_id=hit.article_id,
        title=hit.title,
        source=hit.source,
        published_at=hit.published_at,
        lang=hit.lang,
        score=hit.score,
        url=hit.url,
        snippet=hit.snippet,
        snippet_spans=split_highlights(hit.snippet.text, hit.snippet.highlights),
        summary=summary,
        story_id=hit.story_id,
        other_reports=hit.other_reports,
    )


def split_highlights(text: str, highlights: Sequence[tuple[int, int]]) -> tuple[TextSpan, ...]:
    """Text cut into plain and matched spans, so templates mark matches without writing markup."""
    spans: list[TextSpan] = []
    pos = 0
    for start, end in highlights:
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            spans.append(TextSpan(text[pos:start]))
        spans.append(TextSpan(text[start:end], True))
        pos = end
    if pos < len(text):
        spans.append(TextSpan(text[pos:]))
    return tuple(spans)


def paginate(page: int, total: int, per_page: int, *, around: int = 2) -> Pagination:
    """Page numbers to link: the first, the last and ``around`` on each side of the current one."""
    pages = max(1, min(math.ceil(total / per_page), math.ceil(MAX_RESULTS / per_page)))
    wanted = {1, pages, *range(max(1, page - around), min(pages, page + around) + 1)}
    numbers: list[int | None] = []
    for n in sorted(wanted):
        previous = numbers[-1] if numbers else None
        if previous is not None and n > previous + 1:
            numbers.append(None)
        numbers.append(n)
    return Pagination(page=page, pages=pages, numbers=tuple(numbers))
