"""Optional data the pages show when a server has it: article summaries and the knowledge base.

The web app takes both as hooks (``create_app(..., summaries=..., knowledge=...)``). Without them
the pages leave the summary out and the entity pages say there is no knowledge base yet.

Example (a store that keeps summaries, and the shipped entity base without facts)::

    app = create_app(
        settings,
        summaries=lambda ws, ids: ws.store.get_summaries(ids),
        knowledge=StaticKnowledge(entities=tuple(load_kb())),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from suanli.knowledge import merge_events
from suanli.knowledge.models import ENTITY_TYPES, Entity, Event, Fact
from suanli.models import EventQuery, FactQuery
from suanli.summaries import shown_summary
from suanli.summary.models import Summary
from suanli.workspace import Workspace

SummarySource = Callable[[Workspace, Sequence[str]], Mapping[str, Summary]]
"""Summaries of the given article ids (ids without one are left out). Runs on a worker thread."""


class KnowledgeSource:
    """What the entity pages and the entity/event search filters ask of the knowledge base.

    A base class rather than a Protocol so that a partial implementation inherits the empty answers.
    Every method runs on a worker thread with that thread's workspace.
    """

    def entities(self, ws: Workspace) -> Sequence[Entity]:
        return ()

    def entity(self, ws: Workspace, entity_id: str) -> Entity | None:
        return next((e for e in self.entities(ws) if e.entity_id == entity_id), None)

    def facts(self, ws: Workspace, entity_id: str | None) -> Sequence[Fact]:
        """Facts about ``entity_id``, or all facts when it is None."""
        return ()

    def events(self, ws: Workspace, entity_id: str | None) -> Sequence[Event]:
        """Events involving ``entity_id``, or all events when it is None."""
        return ()

    def article_ids(self, ws: Workspace, *, entity_id: str | None, event_type: str | None) -> Collection[str]:
        """Ids of articles about ``entity_id`` that report an event of ``event_type`` (None: any)."""
        return ()


class StaticKnowledge(KnowledgeSource):
    """Knowledge held in memory: e.g. the shipped entity base, or fixed facts for tests and demos."""

    def __init__(
        self, *, entities: Sequence[Entity] = (), facts: Sequence[Fact] = (), events: Sequence[Event] = ()
    ) -> None:
        self._entities = tuple(entities)
        self._by_id = {e.entity_id: e for e in self._entities}
        self._facts = tuple(facts)
        self._events = tuple(events)

    def entities(self, ws: Workspace) -> Sequence[Entity]:
        return self._entities

    def entity(self, ws: Workspace, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def facts(self, ws: Workspace, entity_id: str | None) -> Sequence[Fact]:
        return tuple(f for f in self._facts if entity_id is None or f.subject_id == entity_id)

    def events(self, ws: Workspace, entity_id: str | None) -> Sequence[Event]:
        return tuple(e for e in self._events if entity_id is None or entity_id in e.entity_ids)

    def article_ids(self, ws: Workspace, *, entity_id: str | None, event_type: str | None) -> Collection[str]:
        by_event = {
            ev.article_id
            for e in self._events
            if (event_type is None or e.event_type == event_type)
            and (entity_id is None or entity_id in e.entity_ids)
            for ev in e.evidence
        }
        if event_type is not None or entity_id is None:
            return by_event
        return by_event | {f.article_id for f in self._facts if f.subject_id == entity_id}


@dataclass(frozen=True, slots=True)
class Hooks:
    """The optional sources a server was started with."""

    summaries: SummarySource | None = None
    knowledge: KnowledgeSource | None = None


def store_summaries(ws: Workspace, article_ids: Sequence[str]) -> Mapping[str, Summary]:
    """Summaries kept in the store, after the ``summary_policy`` setting (unsupported bullets)."""
    return {
        aid: shown_summary(summary, ws.settings)
        for aid, summary in ws.store.get_summaries(article_ids).items()
    }


class StoreKnowledge(KnowledgeSource):
    """The entity base of the workspace and the facts and events stored with each article."""

    def entities(self, ws: Workspace) -> Sequence[Entity]:
        return ws.kb().by_type(*ENTITY_TYPES)

    def entity(self, ws: Workspace, entity_id: str) -> Entity | None:
        return ws.kb().get(entity_id)

    def facts(self, ws: Workspace, entity_id: str | None) -> Sequence[Fact]:
        return ws.store.find_facts(FactQuery(entity_id=entity_id, limit=500))

    def events(self, ws: Workspace, entity_id: str | None) -> Sequence[Event]:
        return merge_events(ws.store.find_events(EventQuery(entity_id=entity_id, limit=500)))

    def article_ids(self, ws: Workspace, *, entity_id: str | None, event_type: str | None) -> Collection[str]:
        events = ws.store.find_events(EventQuery(entity_id=entity_id, event_type=event_type, limit=5000))
        ids = {ev.article_id for e in events for ev in e.evidence}
        if event_type is None and entity_id is not None:
            ids |= {f.article_id for f in ws.store.find_facts(FactQuery(entity_id=entity_id, limit=5000))}
        return ids
