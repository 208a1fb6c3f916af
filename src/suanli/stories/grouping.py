"""StoryIndex: assigns each new article to a story, incrementally, and rebuilds from persisted records.

An article joins a story in three steps:

1. near-duplicate rule: the best indexed body whose estimated Jaccard similarity reaches
   ``duplicate_threshold`` (MinHash/LSH, :mod:`suanli.stories.minhash`), published within
   ``duplicate_window_days`` and, with ``conflict_guard``, not stating only other days or only
   other figures than the new article;
2. otherwise the same-event rule: the indexed article sharing the most entities and anchors within
   the time window (:mod:`suanli.stories.events`);
3. otherwise it starts a new story, named ``s-<article_id>``.

The article joins the story of the article it matched. Stories never merge afterwards: an article
that matches two stories joins the better match, so a story id, once given, never changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from suanli.errors import ConfigError, NotFoundError
from suanli.models import Article

from .events import EventIndex, EventSignals, anchors_conflict, timestamp
from .minhash import (
    NearDuplicateIndex,
    estimate_containment,
    signature_from_bytes,
    signature_to_bytes,
)
from .models import Assignment, Story, StoryConfig, StoryInput, StoryRecord
from .prepare import MIN_PARALLEL_ITEMS, Prepared, prepare, prepare_pool

logger = logging.getLogger(__name__)

_NO_DATE = datetime.max.replace(tzinfo=UTC)


def story_input(article: Article, *, entities: Iterable[str] = ()) -> StoryInput:
    """The grouping input of an article: its body paragraphs, title, date (published, else fetched).

    ``entities`` should be the specific entities of the title and lede (see :class:`StoryInput`).
    """
    body = "\n".join(block.text for block in article.paragraphs)
    return StoryInput(
        article_id=article.article_id,
        text=body,
        title=article.title,
        published_at=article.published_at or article.fetched_at,
        entities=frozenset(entities),
    )


def new_story_id(article_id: str) -> str:
    """Id of the story an article starts: ``s-`` and the article id."""
    return f"s-{article_id}"


class StoryIndex:
    """Story assignments of articles, with the indexes that place the next article.

    Example:
        >>> index = StoryIndex(StoryConfig())
        >>> first = index.add(StoryInput("a1", text, published_at=day))  # doctest: +SKIP
        >>> index.add(StoryInput("a2", repost, published_at=day)).story_id == first.story_id  # doctest: +SKIP
        True
        >>> records = index.records()  # persist; StoryIndex.from_records(records) restores  # doctest: +SKIP
    """

    def __init__(self, config: StoryConfig | None = None) -> None:
        self.config = config or StoryConfig()
        self._near = NearDuplicateIndex(self.config)
        self._events = EventIndex(self.config)
        self._records: dict[str, StoryRecord] = {}
        self._members: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._records

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, items: Iterable[StoryInput], config: StoryConfig | None = None) -> StoryIndex:
        """Group ``items`` from scratch, oldest first (undated last, then by article id).

        The order makes a rebuild deterministic whatever order the items come in.
        """
        index = cls(config)
        ordered = sorted(items, key=lambda i: (_sort_date(i.published_at), i.article_id))
        for item in ordered:
            index.add(item)
        return index

    @classmethod
    def from_records(cls, records: Iterable[StoryRecord], config: StoryConfig | None = None) -> StoryIndex:
        """Restore an index from persisted records, keeping their story assignments as they are.

        Raises ConfigError when a signature was made with another shingle size, ``num_perm`` or
        seed than ``config`` (then the stories must be rebuilt from the articles with :meth:`build`).
        """
        index = cls(config)
        index.restore(records)
        return index

    def restore(self, records: Iterable[StoryRecord]) -> None:
        """Add persisted records as they are (ids already present are skipped).

        Raises ConfigError when a signature was made with another shingle size, ``num_perm`` or
        seed than this index's config.
        """
        scheme = self.config.signature_scheme
        for record in records:
            if record.signature and record.scheme != scheme:
                raise ConfigError(
                    f"Story signature of article '{record.article_id}' was made with '{record.scheme}' "
                    f"but the settings ask for '{scheme}'; rebuild the stories from the articles"
                )
            self._restore(record)

    def _restore(self, record: StoryRecord) -> None:
        if record.article_id in self._records:
            return
        signature = signature_from_bytes(record.signature, self.config)
        if signature is not None:
            self._near.add(record.article_id, signature)
        signals = EventSignals(
            timestamp(record.published_at), frozenset(record.entities), frozenset(record.anchors)
        )
        self._events.add(record.article_id, signals)
        self._keep(record)

    def add(self, item: StoryInput, prepared: Prepared | None = None) -> Assignment:
        """Place one article in a story (see the module docstring) and index it for the next ones.

        ``prepared`` is :func:`prepare` of the item, when worked out already (in another process,
        say). Adding an article id that is already indexed returns its existing assignment.
        """
        known = self._records.get(item.article_id)
        if known is not None:
            return _assignment(known)
        ready = prepared if prepared is not None else prepare(item, self.config)
        anchors, shingles, minhash = ready.anchors, ready.shingles, ready.signature
        # 1. near-duplicate rule
        assignment: Assignment | None = None
        band_keys = None if minhash is None else self._near.band_keys(minhash)
        if minhash is not None:
            for matched_id, score in self._near.matches(minhash, band_keys):
                matched = self._records[matched_id]
                if not self._may_be_repost(item, matched, anchors, score, shingles):
                    continue
                assignment = Assignment(
                    item.article_id,
                    matched.story_id,
                    "near_duplicate",
                    matched_id=matched_id,
                    score=round(score, 4),
                )
                break
        # 2. same-event rule
        signals = EventSignals(timestamp(item.published_at), item.entities, anchors)
        slots = self._events.slots(signals)
        if assignment is None:
            found = self._events.best_match(signals, slots)
            if found is not None:
                matched_id, match = found
                assignment = Assignment(
                    item.article_id,
                    self._records[matched_id].story_id,
                    "same_event",
                    matched_id=matched_id,
                    score=float(match.score),
                    evidence=match.evidence,
                )
        # 3. a new story
        if assignment is None:
            assignment = Assignment(item.article_id, new_story_id(item.article_id), "new")
        if minhash is not None:
            self._near.add(item.article_id, minhash, band_keys)
        self._events.add(item.article_id, signals, slots)
        self._keep(
            StoryRecord(
                article_id=item.article_id,
                story_id=assignment.story_id,
                rule=assignment.rule,
                signature=b"",  # kept once, in the near-duplicate index; record() puts it back
                scheme=self.config.signature_scheme,
                shingles=shingles if minhash is not None else 0,
                published_at=item.published_at,
                entities=tuple(sorted(item.entities)),
                anchors=tuple(sorted(anchors)),
                matched_id=assignment.matched_id,
                score=assignment.score,
                evidence=assignment.evidence,
            )
        )
        logger.debug("Article %s joined story %s (%s)", item.article_id, assignment.story_id, assignment.rule)
        return assignment

    def _may_be_repost(
        self, item: StoryInput, matched: StoryRecord, anchors: frozenset[str], score: float, shingles: int
    ) -> bool:
        """False when a similar body is a template filled again: other days or figures, another name
        in a short notice, or weeks apart."""
        if min(shingles, matched.shingles) < self.config.short_chars:
            if estimate_containment(score, shingles, matched.shingles) < self.config.short_containment:
                return False
        if self.config.conflict_guard:
            theirs = frozenset(matched.anchors)
            if anchors_conflict(anchors, theirs, "d:") or anchors_conflict(anchors, theirs, "n:"):
                return False
        ts, other = timestamp(item.published_at), timestamp(matched.published_at)
        return ts is None or other is None or abs(ts - other) <= self.config.duplicate_window_days * 86400

    def discard(self, article_id: str) -> None:
        """Forget an article that was added but could not be stored (no-op for an unknown id).

        Articles that joined its story keep their story id.
        """
        record = self._records.pop(article_id, None)
        if record is None:
            return
        self._near.remove(article_id)
        self._events.remove(article_id)
        members = self._members.get(record.story_id, [])
        if article_id in members:
            members.remove(article_id)
        if not members:
            self._members.pop(record.story_id, None)

    def add_many(
        self, items: Iterable[StoryInput], *, workers: int = 1, min_parallel: int = MIN_PARALLEL_ITEMS
    ) -> list[Assignment]:
        """:meth:`add` for each item, in the order given.

        With ``workers`` above 1 and enough items, signatures and anchors (half the work, and
        independent for each article) are computed by that many worker processes while this one
        places the articles (from ``min_parallel`` items on); the stories are the same as with one
        process.
        """
        listed = list(items)
        with prepare_pool(workers, len(listed), min_items=min_parallel) as pool:
            prepared = pool.prepare(listed, self.config)
            return [self.add(item, ready) for item, ready in zip(listed, prepared, strict=True)]

    def _keep(self, record: StoryRecord) -> None:
        if record.signature:
            record = replace(record, signature=b"")
        self._records[record.article_id] = record
        self._members.setdefault(record.story_id, []).append(record.article_id)

    # -- reading -------------------------------------------------------------------------------

    def assignment(self, article_id: str) -> Assignment:
        """Raises NotFoundError for an article that has not been added."""
        return _assignment(self._record(article_id))

    def story_of(self, article_id: str) -> str:
        """Story id of an added article; raises NotFoundError."""
        return self._record(article_id).story_id

    def story(self, story_id: str) -> Story:
        """The story and its members in the order they joined; raises NotFoundError."""
        members = self._members.get(story_id)
        if members is None:
            raise NotFoundError(f"Story '{story_id}' does not exist; story ids look like 's-<article id>'")
        return Story(story_id, tuple(members))

    def stories(self) -> list[Story]:
        """Every story, in the order the stories started."""
        return [Story(story_id, tuple(members)) for story_id, members in self._members.items()]

    def story_ids(self) -> dict[str, str]:
        """Article id -> story id, for every added article."""
        return {article_id: record.story_id for article_id, record in self._records.items()}

    def record(self, article_id: str) -> StoryRecord:
        """The persisted form of one article's state; raises NotFoundError."""
        return self._with_signature(self._record(article_id))

    def records(self) -> list[StoryRecord]:
        """Every article's state, in the order they were added (restoring in this order is exact)."""
        return [self._with_signature(r) for r in self._records.values()]

    def _with_signature(self, record: StoryRecord) -> StoryRecord:
        signature = signature_to_bytes(self._near.signature(record.article_id))
        return replace(record, signature=signature) if signature else record

    def _record(self, article_id: str) -> StoryRecord:
        record = self._records.get(article_id)
        if record is None:
            raise NotFoundError(f"Article '{article_id}' has not been grouped into a story")
        return record


def group_stories(items: Iterable[StoryInput], config: StoryConfig | None = None) -> Mapping[str, str]:
    """Article id -> story id for ``items`` grouped from scratch (see :meth:`StoryIndex.build`)."""
    return StoryIndex.build(items, config).story_ids()


def _assignment(record: StoryRecord) -> Assignment:
    return Assignment(
        record.article_id,
        record.story_id,
        record.rule,
        matched_id=record.matched_id,
        score=record.score,
        evidence=record.evidence,
    )


def _sort_date(when: datetime | None) -> datetime:
    if when is None:
        return _NO_DATE
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
