"""Entity views: names, codes, specs, facts, an event timeline and charts of numeric facts over time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from suanli.errors import NotFoundError
from suanli.knowledge.models import ENTITY_TYPES, Entity, Event, Fact
from suanli.web.hooks import Hooks
from suanli.workspace import Workspace


@dataclass(frozen=True, slots=True)
class FactView:
    metric: str
    aspect: str | None
    value: float | None
    unit: str | None
    value_text: str
    span: str
    period: str | None
    article_id: str
    paragraph_number: int


@dataclass(frozen=True, slots=True)
class EvidenceView:
    article_id: str
    paragraph_number: int
    quote: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventView:
    event_id: str
    event_type: str
    period: str | None
    starts_on: date | None
    summary: str
    entity_ids: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """A numeric fact over time: one point per period, oldest first (at least two points)."""

    metric: str
    aspect: str | None
    unit: str | None
    labels: tuple[str, ...]
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class EntityView:
    entity: Entity
    vendor: Entity | None
    parent: Entity | None
    facts: tuple[FactView, ...]
    events: tuple[EventView, ...]
    charts: tuple[ChartSeries, ...]


@dataclass(frozen=True, slots=True)
class EntityListView:
    """Entities grouped by type; ``has_knowledge`` is False when the server has no knowledge base."""

    has_knowledge: bool
    groups: tuple[tuple[str, tuple[Entity, ...]], ...]
    total: int


def build_entity_list(ws: Workspace, hooks: Hooks) -> EntityListView:
    if hooks.knowledge is None:
        return EntityListView(has_knowledge=False, groups=(), total=0)
    by_type: dict[str, list[Entity]] = defaultdict(list)
    entities = hooks.knowledge.entities(ws)
    for entity in entities:
        by_type[entity.type].append(entity)
    order: dict[str, int] = {t: i for i, t in enumerate(ENTITY_TYPES)}
    groups = tuple(
        (t, tuple(sorted(es, key=lambda e: e.name.lower())))
        for t, es in sorted(by_type.items(), key=lambda kv: order.get(kv[0], len(order)))
    )
    return EntityListView(has_knowledge=True, groups=groups, total=len(entities))


def build_entity(ws: Workspace, hooks: Hooks, entity_id: str) -> EntityView:
    """The entity page; raises NotFoundError for an unknown id or when there is no knowledge base."""
    knowledge = hooks.knowledge
    if knowledge is None:
        raise NotFoundError(
            f"Entity '{entity_id}' cannot be shown: this server has no knowledge base yet; use search instead"
        )
    entity = knowledge.entity(ws, entity_id)
    if entity is None:
        raise NotFoundError(f"Entity '{entity_id}' is not in the knowledge base; see /entities for the list")
    facts = tuple(fact_view(f) for f in knowledge.facts(ws, entity_id))
    return EntityView(
        entity=entity,
        vendor=knowledge.entity(ws, entity.vendor) if entity.vendor else None,
        parent=knowledge.entity(ws, entity.parent) if entity.parent else None,
        facts=facts,
        events=timeline(knowledge.events(ws, entity_id)),
        charts=chart_series(knowledge.facts(ws, entity_id)),
    )


def fact_view(fact: Fact) -> FactView:
    return FactView(
        metric=fact.metric,
        aspect=fact.aspect,
        value=fact.value,
        unit=fact.unit,
        value_text=fact.value_text,
        span=fact.span,
        period=fact.period.label if fact.period is not None else None,
        article_id=fact.article_id,
        paragraph_number=fact.paragraph_number,
    )


def event_view(event: Event) -> EventView:
    return EventView(
        event_id=event.event_id,
        event_type=event.event_type,
        period=event.period.label if event.period is not None else None,
        starts_on=event.period.start if event.period is not None else None,
        summary=event.summary,
        entity_ids=tuple(event.entity_ids),
        evidence=tuple(
            EvidenceView(e.article_id, e.paragraph_number, e.quote, e.published_at) for e in event.evidence
        ),
    )


def timeline(events: Sequence[Event]) -> tuple[EventView, ...]:
    """Events newest first; undated events last."""
    views = [event_view(e) for e in events]
    dated = sorted((v for v in views if v.starts_on is not None), key=lambda v: v.starts_on or date.min)
    return tuple(reversed(dated)) + tuple(v for v in views if v.starts_on is None)


def chart_series(facts: Sequence[Fact]) -> tuple[ChartSeries, ...]:
    """One series per (metric, aspect, unit) with numbers for at least two periods.

    When several facts give the same period, the first one counts (facts come in article order).
    """
    points: dict[tuple[str, str | None, str | None], dict[str, tuple[date, float]]] = defaultdict(dict)
    for fact in facts:
        if fact.value is None or fact.period is None or fact.is_vague or fact.is_range:
            continue
        series = points[(fact.metric, fact.aspect, fact.unit)]
        series.setdefault(fact.period.label, (fact.period.start, fact.value))
    out = []
    for (metric, aspect, unit), by_label in points.items():
        if len(by_label) < 2:
            continue
        ordered = sorted(by_label.items(), key=lambda kv: kv[1][0])
        out.append(
            ChartSeries(
                metric=metric,
                aspect=aspect,
                unit=unit,
                labels=tuple(label for label, _ in ordered),
                values=tuple(value for _, (_, value) in ordered),
            )
        )
    return tuple(out)
