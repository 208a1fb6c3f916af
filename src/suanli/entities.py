"""Read path for knowledge: an entity's profile, fact tables and event timelines, each with sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from suanli.errors import BadQueryError
from suanli.knowledge import Conflict, Entity, Event, Fact, find_conflicts, merge_events
from suanli.knowledge.models import METRICS
from suanli.models import EventQuery, FactQuery, SearchQuery
from suanli.search import search_articles
from suanli.workspace import Workspace

TIMELINE_ARTICLES = 100


@dataclass(frozen=True, slots=True)
class EntityProfile:
    entity: Entity
    facts: tuple[Fact, ...]
    events: tuple[Event, ...]
    conflicts: tuple[Conflict, ...]
    article_titles: dict[str, str]


def entity_profile(name: str, ws: Workspace, *, facts_limit: int = 50) -> EntityProfile:
    """Names, codes, specs, latest facts, conflicts and a dated timeline of ``name``.

    Example:
        >>> entity_profile("寒武纪", ws).entity.listings[0].code  # doctest: +SKIP
        '688256.SH'
    """
    entity = ws.resolve_entity(name)
    facts = ws.store.find_facts(FactQuery(entity_id=entity.entity_id, limit=facts_limit))
    events = tuple(merge_events(ws.store.find_events(EventQuery(entity_id=entity.entity_id))))
    conflicts = tuple(find_conflicts(ws.store.find_facts(FactQuery(entity_id=entity.entity_id, limit=1000))))
    return EntityProfile(
        entity=entity,
        facts=tuple(facts),
        events=_newest_first(events),
        conflicts=conflicts,
        article_titles=_titles(ws, facts, events),
    )


def find_facts(
    ws: Workspace,
    *,
    entity: str | None = None,
    metric: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 200,
) -> list[Fact]:
    """Facts filtered by entity name, metric and period; BadQueryError for unknown values."""
    if metric is not None and metric not in METRICS:
        raise BadQueryError(f"Metric must be one of {', '.join(METRICS)}, got '{metric}'")
    if since and until and since > until:
        raise BadQueryError(f"Date range is empty: since '{since}' is after until '{until}'")
    entity_id = ws.resolve_entity(entity).entity_id if entity else None
    return ws.store.find_facts(
        FactQuery(entity_id=entity_id, metric=metric, since=since, until=until, limit=limit)
    )


def timeline(query: str, ws: Workspace, *, since: date | None = None) -> list[Event]:
    """Dated events of an entity (when ``query`` names one) or of the articles matching ``query``."""
    found = ws.kb().lookup(query.strip())
    if len(found) == 1:
        events = ws.store.find_events(EventQuery(entity_id=found[0].entity_id, since=since, limit=1000))
    else:
        hits = search_articles(SearchQuery(query, limit=TIMELINE_ARTICLES, all_reports=True), ws).hits
        ids = tuple(h.article_id for h in hits)
        events = ws.store.find_events(EventQuery(article_ids=ids, since=since, limit=1000)) if ids else []
    return list(_newest_first(tuple(merge_events(events))))


def titles_of(ws: Workspace, events: tuple[Event, ...] | list[Event]) -> dict[str, str]:
    return _titles(ws, (), events)


def _titles(
    ws: Workspace, facts: tuple[Fact, ...] | list[Fact], events: tuple[Event, ...] | list[Event]
) -> dict[str, str]:
    ids = {f.article_id for f in facts} | {e.article_id for ev in events for e in ev.evidence}
    return {a.article_id: a.title for a in ws.store.get_articles(sorted(ids))}


def _newest_first(events: tuple[Event, ...]) -> tuple[Event, ...]:
    def key(event: Event) -> str:
        if event.period is not None:
            return event.period.start.isoformat()
        dates = [e.published_at.date().isoformat() for e in event.evidence if e.published_at]
        return min(dates) if dates else ""

    return tuple(sorted(events, key=key, reverse=True))
