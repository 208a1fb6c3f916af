"""Briefings of a workspace: the articles matching a query, up to a day, turned into a cited Brief.

:func:`make_brief` collects the inputs of :func:`suanli.brief.build_brief` from the store and the
search index: the matching articles (every report, not one per story), their stored summaries and
story ids, and the facts and events extracted from them. With ``as_of`` the index is asked only for
articles published up to that day, so no later article is even loaded and a briefing for a past day
comes out the same whenever it is made.

Example:
    >>> brief = make_brief(ws, "英伟达 H20", as_of=date(2025, 8, 31))  # doctest: +SKIP
    >>> print(render_brief_markdown(brief))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .brief import Brief, BriefEvent, BriefFact, BriefItem, BriefOptions, build_brief
from .errors import BadQueryError
from .knowledge import KnowledgeBase, merge_events
from .knowledge.models import Event, Fact
from .models import Article, EventQuery, FactQuery
from .search import LANGS, MAX_QUERY_CHARS, MAX_QUERY_TOKENS
from .store.tantivy_index import IndexFilter
from .workspace import Workspace

log = logging.getLogger(__name__)

MAX_ARTICLES = 1000
_PAGE = 100
_KNOWLEDGE_ROWS = 100_000  # facts/events of at most MAX_ARTICLES articles: no row is cut off
_NOT_STATED = ("expected", "possibly")  # forecasts and hedges: differing values are no disagreement

DayOrMoment = date | datetime


@dataclass(frozen=True, slots=True)
class BriefPeriod:
    """The moments a briefing covers (zone-aware); ``until`` is already cut at ``as_of``."""

    since: datetime | None
    until: datetime | None
    as_of: datetime | None

    @property
    def last(self) -> datetime | None:
        """The last moment an article may be published: ``until`` or else ``as_of``."""
        return self.until if self.until is not None else self.as_of


def make_brief(
    ws: Workspace,
    query: str,
    *,
    since: DayOrMoment | None = None,
    until: DayOrMoment | None = None,
    as_of: DayOrMoment | None = None,
    lang: str | None = None,
    entity: str | None = None,
    max_articles: int = 200,
    now: datetime | None = None,
) -> Brief:
    """A cited briefing on ``query`` from the articles of ``ws``.

    A day (a ``date``) stands for its first moment in ``since`` and its last moment in ``until`` and
    ``as_of``, in the ``timezone`` setting. ``lang`` keeps articles in that language and writes the
    briefing in it; ``entity`` keeps articles naming that entity (and only its facts and events).
    The newest ``max_articles`` articles with every word of the query are used; only when no article
    has every word, the newest with some of them. A query that matches nothing gives an empty brief.

    1. Check the query, the language and the dates; cut ``until`` at ``as_of``.
    2. Find the matching article ids through the index, inside the period.
    3. Load the articles, their summaries, story ids, facts and events.
    4. Build the brief, checking citations against the dictionary and the entities' names.

    Raises:
        BadQueryError: an empty query, an unknown language or entity, or an empty date range.

    Example:
        >>> brief = make_brief(ws, "寒武纪", as_of=date(2025, 8, 31))  # doctest: +SKIP
    """
    # 1. input
    text = query.strip()
    terms = _terms(ws, text)
    if lang is not None and lang not in LANGS:
        raise BadQueryError(f"Language must be one of {', '.join(LANGS)}, got '{lang}'")
    if not 1 <= max_articles <= MAX_ARTICLES:
        raise BadQueryError(f"Article limit must be between 1 and {MAX_ARTICLES}, got '{max_articles}'")
    period = brief_period(since, until, as_of, tz=ws.settings.tz)
    entity_id = ws.resolve_entity(entity).entity_id if entity else None
    # 2. matching ids
    flt = IndexFilter(since_ts=_ts(period.since), until_ts=_ts(period.last), lang=lang, entity_id=entity_id)
    ids = _matching_ids(ws, terms, flt, max_articles)
    # 3. load
    tz = ws.settings.tz
    articles = [
        _local(a, tz)
        for a in ws.store.get_articles(ids)
        if _published_in(a.published_at, a.fetched_at, period)
    ]
    ids = [a.article_id for a in articles]
    summaries = ws.store.get_summaries(ids) if ids else {}
    stories = ws.store.story_ids(ids) if ids else {}
    items = [BriefItem(a, summaries.get(a.article_id), stories.get(a.article_id)) for a in articles]
    kb = ws.kb()
    facts = _facts(ws, ids, kb, entity_id) if ids else []
    events = _events(ws, ids, entity_id) if ids else []
    # 4. build
    options = BriefOptions(
        text,
        as_of=period.as_of,
        since=period.since,
        until=period.until,
        lang=lang,  # type: ignore[arg-type]  # checked against LANGS above
        policy="mark" if ws.settings.summary_policy == "mark" else "drop",
        entities=_check_names(ws, ids, kb),
        generated_at=now or datetime.now(UTC),
    )
    log.debug("Briefing '%s': %d articles, %d facts, %d events", text, len(items), len(facts), len(events))
    return build_brief(items, options, facts=facts, events=events)


def brief_period(
    since: DayOrMoment | None,
    until: DayOrMoment | None,
    as_of: DayOrMoment | None,
    *,
    tz: tzinfo,
) -> BriefPeriod:
    """The moments of a briefing's period; raises BadQueryError when the period is empty."""
    start = _moment(since, tz, end=False)
    end = _moment(until, tz, end=True)
    cutoff = _moment(as_of, tz, end=True)
    if start is not None and end is not None and start > end:
        raise BadQueryError(
            f"Date range is empty: since '{_day(start, tz)}' is after until '{_day(end, tz)}'; swap them"
        )
    if start is not None and cutoff is not None and start > cutoff:
        raise BadQueryError(
            f"Date range is empty: since '{_day(start, tz)}' is after as-of '{_day(cutoff, tz)}'; "
            "give a since day on or before the as-of day"
        )
    if cutoff is not None and end is not None and end > cutoff:
        end = cutoff
    return BriefPeriod(since=start, until=end, as_of=cutoff)


def _terms(ws: Workspace, text: str) -> tuple[str, ...]:
    if not text:
        raise BadQueryError("Query is empty; give at least one word, e.g. '英伟达 H20'")
    if len(text) > MAX_QUERY_CHARS:
        raise BadQueryError(f"Query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    terms = tuple(ws.segmenter.query_tokens(text))[:MAX_QUERY_TOKENS]
    if not terms:
        raise BadQueryError(
            f"Query '{text}' has no searchable words; use letters, digits or Chinese characters"
        )
    return terms


def _moment(value: DayOrMoment | None, tz: tzinfo, *, end: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=tz)
    else:
        moment = datetime.combine(value, time.min, tzinfo=tz)
        if end:
            moment += timedelta(days=1, microseconds=-1)
    return moment


def _local(article: Article, tz: tzinfo) -> Article:
    """The article with its dates in the configured zone, so cards show the local day of publication."""
    return replace(
        article, published_at=_in_zone(article.published_at, tz), fetched_at=_in_zone(article.fetched_at, tz)
    )


def _in_zone(value: datetime | None, tz: tzinfo) -> datetime | None:
    aware = _utc(value)
    return aware.astimezone(tz) if aware is not None else None


def _day(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).date().isoformat()


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _published_in(published_at: datetime | None, fetched_at: datetime | None, period: BriefPeriod) -> bool:
    """The index filed the article inside the period; this guards against a stale index row."""
    when = published_at or fetched_at
    if when is None:
        return period.since is None and period.last is None
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if period.since is not None and when < period.since:
        return False
    return period.last is None or when <= period.last


def _matching_ids(ws: Workspace, terms: Sequence[str], flt: IndexFilter, limit: int) -> list[str]:
    """The newest ``limit`` articles with every term, else (when none has them all) with some.

    Newest rather than most relevant: relevance depends on every indexed article, later ones too,
    while the newest articles up to a day stay the same whenever they are asked for.
    """
    found = ws.index.search(terms, flt, limit=_PAGE, offset=0, by_date=True)
    is_exact = found.exact_total > 0
    if not is_exact and found.hits:
        log.info("No article has every word of %s; using those with some of them", list(terms))
    ids: list[str] = []
    offset = 0
    while True:
        ids.extend(
            a
            for rank, (a, _) in enumerate(found.hits, start=offset)
            if (rank < found.exact_total) == is_exact
        )
        offset += len(found.hits)
        if len(found.hits) < _PAGE or len(ids) >= limit or (is_exact and offset >= found.exact_total):
            break
        found = ws.index.search(terms, flt, limit=_PAGE, offset=offset, by_date=True)
    return list(dict.fromkeys(ids))[:limit]


# -- facts and events ------------------------------------------------------------------------------


def _facts(ws: Workspace, ids: Sequence[str], kb: KnowledgeBase, entity_id: str | None) -> list[BriefFact]:
    facts = ws.store.find_facts(FactQuery(article_ids=tuple(ids), limit=_KNOWLEDGE_ROWS))
    return [
        brief_fact(f, kb)
        for f in facts
        if not f.is_vague
        and not set(_NOT_STATED) & set(f.qualifiers)
        and f.subject_id is not None
        and (entity_id is None or f.subject_id == entity_id)
    ]


def brief_fact(fact: Fact, kb: KnowledgeBase) -> BriefFact:
    """A knowledge-layer fact as a row of the key-numbers table (subject named as the entity base does)."""
    entity = kb.get(fact.subject_id)
    subject = entity.name if entity is not None else fact.subject_text
    return BriefFact(
        article_id=fact.article_id,
        paragraph_number=fact.paragraph_number,
        subject=subject,
        metric=fact.metric,
        value_text=fact.value_text,
        value=fact.value,
        unit=fact.unit,
        period=fact.period.label if fact.period is not None else None,
        aspect=fact.aspect,
    )


def _events(ws: Workspace, ids: Sequence[str], entity_id: str | None) -> list[BriefEvent]:
    stored = ws.store.find_events(EventQuery(article_ids=tuple(ids), limit=_KNOWLEDGE_ROWS))
    wanted = [e for e in stored if entity_id is None or entity_id in e.entity_ids]
    return [b for e in merge_events(wanted) if (b := brief_event(e)) is not None]


def brief_event(event: Event) -> BriefEvent | None:
    """An event dated to the day, quoted from its earliest report; None for an event without a day."""
    if event.period is None or event.period.granularity != "day" or not event.evidence:
        return None
    first = min(
        event.evidence,
        key=lambda e: (
            _utc(e.published_at) or datetime.max.replace(tzinfo=UTC),
            e.article_id,
            e.paragraph_number,
        ),
    )
    return BriefEvent(
        on=event.period.start,
        text=first.quote,
        article_id=first.article_id,
        paragraph_number=first.paragraph_number,
        event_type=event.event_type,
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _check_names(ws: Workspace, ids: Sequence[str], kb: KnowledgeBase) -> tuple[str, ...]:
    """The dictionary terms and the names of the entities the articles mention, for the citation check."""
    names: list[str] = list(ws.terms)
    tags = ws.store.article_tags(ids) if ids else {}
    for entity_id in sorted({e for t in tags.values() for e in t.entity_ids}):
        entity = kb.get(entity_id)
        if entity is not None:
            names.extend(n for n in (entity.name_zh, entity.name_en) if n)
    return tuple(dict.fromkeys(_clean(names)))


def _clean(names: Iterable[str]) -> Iterable[str]:
    return (n.strip() for n in names if n and n.strip())
