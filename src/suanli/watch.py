"""Watchlists: saved queries and entities, and the new stories each has had since it last ran.

A watch's window is ``(last run, this run]`` (``(created, this run]`` before its first run) in terms of
when articles were *stored*, not published: ``suanli update`` may bring in a report from last week, and
that is news to the reader. Running twice in a row therefore lists nothing the second time.

A query watch needs every query word in the article (the search index's exact matches); an entity
watch needs a mention of the entity. Matching articles are grouped by story, so ten reposts of one
wire story are one line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import BadQueryError, NotFoundError
from .models import StoryReport, Watch
from .search import MAX_QUERY_CHARS, MAX_QUERY_TOKENS
from .stages.index import article_date_ts
from .store.tantivy_index import IndexFilter
from .workspace import Workspace

log = logging.getLogger(__name__)

# Above this many new articles, reading them all to bound the date range of the index query costs
# more than it saves; the query then runs over the whole index.
WINDOW_MAX_ARTICLES = 2000
# A run after a bulk import of more articles than this lists the first ones only (and warns).
MAX_NEW_ARTICLES = 100_000
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class WatchStory:
    """A story with reports stored since the watch last ran, at least one of them matching it.

    ``lead`` is the earliest matching new report; ``new_reports`` counts every report of the story
    stored in the window (matching or not) and ``matched_ids`` the matching ones, earliest first.
    ``is_new_story`` is True when every report of the story is new, False for news on an older story.
    """

    story_id: str
    is_new_story: bool
    lead: StoryReport
    new_reports: int
    total_reports: int
    matched_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WatchReport:
    """What one watch found in ``(since, until]``; ``watch`` is as it was before this run."""

    watch: Watch
    label: str
    since: datetime
    until: datetime
    stories: tuple[WatchStory, ...]

    @property
    def new_story_count(self) -> int:
        return sum(1 for s in self.stories if s.is_new_story)

    @property
    def updated_story_count(self) -> int:
        return sum(1 for s in self.stories if not s.is_new_story)


def add_watch(
    ws: Workspace, text: str, *, entity: bool = False, now: datetime | None = None
) -> tuple[Watch, bool]:
    """Watch a query (every word must appear) or, with ``entity``, an entity by name, alias or id.

    Returns the watch and whether it was created now; adding the same query or entity again returns
    the existing watch. Query text is stored with its whitespace collapsed, entities by id.

    Example:
        >>> watch, created = add_watch(ws, "H20 停产")  # doctest: +SKIP

    Raises:
        BadQueryError: empty or over-long text, a query without searchable words, or an entity name
            that is unknown or ambiguous.
    """
    value = " ".join(text.split())
    if not value:
        what = "entity name" if entity else "query"
        raise BadQueryError(f"The watch {what} is empty; give the words to watch, e.g. 'H20 停产'")
    if len(value) > MAX_QUERY_CHARS:
        raise BadQueryError(f"Watch text is {len(value)} characters long; the limit is {MAX_QUERY_CHARS}")
    if entity:
        value = ws.resolve_entity(value).entity_id
        kind = "entity"
    else:
        tokens = ws.segmenter.query_tokens(value)
        if not tokens:
            raise BadQueryError(
                f"Query '{text}' has no searchable words; use letters, digits or Chinese characters"
            )
        if len(tokens) > MAX_QUERY_TOKENS:
            raise BadQueryError(
                f"Query '{value}' has {len(tokens)} words; a watch takes at most {MAX_QUERY_TOKENS}"
            )
        kind = "query"
    return ws.store.add_watch(kind, value, _utc(now or datetime.now(UTC)))


def watch_label(ws: Workspace, watch: Watch) -> str:
    """How a watch is shown: the query text, or the entity's name with its id."""
    if watch.kind != "entity":
        return watch.value
    found = ws.kb().get(watch.value)
    return f"{found.name} ({watch.value})" if found is not None else watch.value


def run_watches(
    ws: Workspace,
    *,
    now: datetime | None = None,
    mark: bool = True,
    watch_ids: Sequence[int] | None = None,
) -> list[WatchReport]:
    """The new stories of each watch (all, or those in ``watch_ids``), then mark them as run.

    Expects the search index and the stories to have caught up with the store, as they have after
    ``add``/``update`` (the CLI catches up first). With ``mark=False`` nothing is written, so the
    next run lists the same stories again.

    Steps:
        1. Pick the watches; an unknown id in ``watch_ids`` fails before anything runs.
        2. For each, the articles stored in ``(last run or creation, now]`` that match it.
        3. Group those by story and describe each story.
        4. Record ``now`` as each watch's last run.

    Example:
        >>> for report in run_watches(ws):  # doctest: +SKIP
        ...     print(report.label, [s.lead.title for s in report.stories])

    Raises:
        NotFoundError: an id in ``watch_ids`` names no watch.
    """
    until = _utc(now or datetime.now(UTC))
    # 1.
    watches = _pick(ws.store.list_watches(), watch_ids)
    # 2. Watches run together share one window, so new ids, tags and date bounds are read once each.
    windows: dict[datetime, _Window] = {}
    reports = []
    for watch in watches:
        since = watch.last_run_at or watch.created_at
        if since not in windows:
            windows[since] = _Window(ws, since)
        matched = windows[since].matches(watch)
        # 3.
        stories = _describe(ws, matched, since=since, until=until)
        reports.append(WatchReport(watch, watch_label(ws, watch), since, until, stories))
    # 4.
    if mark:
        for watch in watches:
            ws.store.mark_watch_run(watch.watch_id, until)
    return reports


def watch_to_dict(watch: Watch, label: str) -> dict[str, Any]:
    """A watch as JSON-ready data (``suanli watch list --json``); ``label`` from :func:`watch_label`."""
    return {
        "watch_id": watch.watch_id,
        "kind": watch.kind,
        "value": watch.value,
        "label": label,
        "created_at": _iso(watch.created_at),
        "last_run_at": _iso(watch.last_run_at),
    }


def report_to_dict(report: WatchReport) -> dict[str, Any]:
    """A run's report as JSON-ready data, the shape ``suanli watch run --json`` prints."""
    data = watch_to_dict(report.watch, report.label)
    data.update(since=_iso(report.since), until=_iso(report.until))
    data["stories"] = [
        {
            "story_id": s.story_id,
            "is_new_story": s.is_new_story,
            "new_reports": s.new_reports,
            "total_reports": s.total_reports,
            "lead": {
                "article_id": s.lead.article_id,
                "title": s.lead.title,
                "source": s.lead.source,
                "published_at": _iso(s.lead.published_at),
                "url": s.lead.url,
                "lang": s.lead.lang,
            },
            "article_ids": list(s.matched_ids),
        }
        for s in report.stories
    ]
    return data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pick(watches: list[Watch], watch_ids: Sequence[int] | None) -> list[Watch]:
    if watch_ids is None:
        return watches
    known = {w.watch_id: w for w in watches}
    for watch_id in watch_ids:
        if watch_id not in known:
            raise NotFoundError(f"No watch with id {watch_id}; list them with 'suanli watch list'")
    wanted = set(watch_ids)
    return [w for w in watches if w.watch_id in wanted]


class _Window:
    """The articles stored after ``since``, with what the watches ask about them (internal)."""

    def __init__(self, ws: Workspace, since: datetime) -> None:
        self.ws = ws
        self.ids = ws.store.articles_added_since(since, limit=MAX_NEW_ARTICLES)
        self.id_set = frozenset(self.ids)
        self._tags: dict[str, frozenset[str]] | None = None
        self._filter: IndexFilter | None = None
        if len(self.ids) >= MAX_NEW_ARTICLES:
            log.warning(
                "At least %d articles were stored since %s; watches see the first ones", len(self.ids), since
            )

    def matches(self, watch: Watch) -> set[str]:
        if not self.ids:
            return set()
        if watch.kind == "entity":
            return {i for i in self.ids if watch.value in self._entity_ids().get(i, ())}
        return self._query_matches(watch.value)

    def _entity_ids(self) -> dict[str, frozenset[str]]:
        if self._tags is None:
            tags = self.ws.store.article_tags(self.ids)
            self._tags = {i: frozenset(t.entity_ids) for i, t in tags.items()}
        return self._tags

    def _query_matches(self, text: str) -> set[str]:
        """New articles holding every query word: exact index matches within the new articles' dates.

        The index may hold a million articles and a common query matches many of them, while an
        update adds a few hundred; bounding the query by the new articles' dates keeps the exact
        matches to read close to the new ones. The index has no id filter, so the result is
        intersected with the new ids.
        """
        tokens = self.ws.segmenter.query_tokens(text)[:MAX_QUERY_TOKENS]
        if not tokens:
            return set()
        flt = self._date_filter()
        limit = 1
        while True:  # learn exact_total from a one-hit page, then read every exact match
            found = self.ws.index.search(tokens, flt, limit=limit)
            if found.exact_total <= limit:
                break
            limit = found.exact_total
        return {article_id for article_id, _ in found.hits[: found.exact_total] if article_id in self.id_set}

    def _date_filter(self) -> IndexFilter:
        if self._filter is None:
            self._filter = IndexFilter()
            if len(self.ids) <= WINDOW_MAX_ARTICLES:
                stamps = [
                    article_date_ts(article)
                    for start in range(0, len(self.ids), _CHUNK)
                    for article in self.ws.store.get_articles(self.ids[start : start + _CHUNK])
                ]
                if stamps:
                    self._filter = IndexFilter(since_ts=min(stamps), until_ts=max(stamps))
        return self._filter


def _describe(
    ws: Workspace, matched: set[str], *, since: datetime, until: datetime
) -> tuple[WatchStory, ...]:
    """Group matched articles by story; newest lead first, undated last."""
    story_of = ws.store.story_ids(sorted(matched))
    ungrouped = matched - set(story_of)
    if ungrouped:
        log.warning("%d matching articles have no story yet and are skipped", len(ungrouped))
    all_reports = ws.store.story_reports(sorted(set(story_of.values())))
    stories = []
    for story_id, reports in all_reports.items():
        new = [r for r in reports if r.added_at is not None and since < r.added_at <= until]
        hits = [r for r in new if r.article_id in matched]
        if not hits:  # every match was stored after ``until``: the next run lists it
            continue
        stories.append(
            WatchStory(
                story_id=story_id,
                is_new_story=all(r.added_at is not None and r.added_at > since for r in reports),
                lead=hits[0],
                new_reports=len(new),
                total_reports=len(reports),
                matched_ids=tuple(r.article_id for r in hits),
            )
        )
    stories.sort(key=lambda s: s.story_id)
    stories.sort(key=_lead_ts, reverse=True)
    return tuple(stories)


def _lead_ts(story: WatchStory) -> float:
    published = story.lead.published_at
    return published.timestamp() if published is not None else float("-inf")


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
