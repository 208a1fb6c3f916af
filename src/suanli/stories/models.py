"""Frozen records of story grouping: its settings, one article's input, assignments and persisted state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from suanli.errors import ConfigError

StoryRule = Literal["new", "near_duplicate", "same_event"]
STORY_RULES: tuple[StoryRule, ...] = ("new", "near_duplicate", "same_event")

SIGNATURE_VERSION = 1


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Thresholds of the two grouping rules (defaults chosen with ``bench/eval_stories.py``).

    Near-duplicate rule: two bodies are near-duplicates when the MinHash estimate of the Jaccard
    similarity of their character ``shingle_size``-grams (after normalisation, see
    :func:`suanli.stories.minhash.normalize_for_shingles`) is at least ``duplicate_threshold``.
    LSH over ``lsh_bands`` bands of ``lsh_rows`` hash values finds the candidates; every candidate is
    then checked against the threshold with the full ``num_perm`` signature. Bodies shorter than
    ``min_chars`` normalised characters take no part (their shingle sets are too small to compare).
    When either body has fewer than ``short_chars`` shingles, the shorter must also lie almost
    wholly (``short_containment``) inside the longer: a short item may gain a source line or a
    dateline, but a changed name in a one-line notice is another notice. Near-duplicates must be
    published at most ``duplicate_window_days`` apart: reposts follow within days, while a
    recurring report (a ten-day price bulletin, a regulator's standard notice) reuses its text
    for months.
    With ``conflict_guard``, similar bodies that state only different days, or only different figures
    (anchors, see below), are a template filled twice (a daily market wrap, a daily exchange rate),
    not a repost; and two articles that state days but share none of them never report one event.

    Same-event rule: two articles published at most ``event_window_days`` apart report the same
    event when they share at least ``min_shared_entities`` entities, at least ``min_shared_anchors``
    anchors (day-precise dates and specific numbers, read from the title and the first
    ``anchor_chars`` characters of the body), at least ``min_evidence`` of both together, and at
    least ``min_entity_overlap`` of all the entities the two name (Jaccard index; this keeps digests
    and market wraps, which name everyone, from joining every story). A shared day is weak evidence
    on a busy day: when the shared anchors are all dates, ``date_only_min_entities`` entities are
    needed.
    """

    duplicate_threshold: float = 0.5
    num_perm: int = 128
    shingle_size: int = 4
    seed: int = 1
    lsh_bands: int = 24
    lsh_rows: int = 4
    min_chars: int = 50
    short_chars: int = 100
    short_containment: float = 0.95
    duplicate_window_days: float = 7.0
    conflict_guard: bool = True
    event_window_days: float = 3.0
    min_shared_entities: int = 1
    min_shared_anchors: int = 1
    min_evidence: int = 3
    min_entity_overlap: float = 0.4
    date_only_min_entities: int = 3
    anchor_chars: int = 500

    def __post_init__(self) -> None:
        if not 0.0 < self.duplicate_threshold <= 1.0:
            raise ConfigError(
                f"Story setting 'duplicate_threshold' must be above 0 and at most 1, "
                f"got '{self.duplicate_threshold}'"
            )
        for name in ("num_perm", "shingle_size", "lsh_bands", "lsh_rows", "min_shared_anchors"):
            value = getattr(self, name)
            if value < 1:
                raise ConfigError(f"Story setting '{name}' must be 1 or more, got '{value}'")
        for name in (
            "min_chars",
            "short_chars",
            "min_shared_entities",
            "min_evidence",
            "date_only_min_entities",
            "anchor_chars",
        ):
            value = getattr(self, name)
            if value < 0:
                raise ConfigError(f"Story setting '{name}' must be 0 or more, got '{value}'")
        for name in ("min_entity_overlap", "short_containment"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(
                    f"Story setting '{name}' must be between 0 and 1, got '{getattr(self, name)}'"
                )
        for name in ("event_window_days", "duplicate_window_days"):
            if getattr(self, name) < 0:
                raise ConfigError(f"Story setting '{name}' must be 0 or more, got '{getattr(self, name)}'")
        if self.lsh_bands * self.lsh_rows > self.num_perm:
            raise ConfigError(
                f"Story settings 'lsh_bands' x 'lsh_rows' ({self.lsh_bands} x {self.lsh_rows}) must not "
                f"exceed 'num_perm' ({self.num_perm}); lower the bands or rows"
            )

    @property
    def signature_scheme(self) -> str:
        """Names what a stored signature depends on, e.g. ``'minhash1-k4-p128-s1'``."""
        return f"minhash{SIGNATURE_VERSION}-k{self.shingle_size}-p{self.num_perm}-s{self.seed}"


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What grouping needs of one article.

    ``text`` is the body (shingled for the near-duplicate rule); ``title`` and ``text`` together give
    the anchors of the same-event rule. ``entities`` are ids or names of the entities the article
    mentions (any strings, compared exactly); those of the title and lede (the first ``anchor_chars``
    characters) work best, and only specific ones: companies, products, people, regulators, not
    categories (``GPU``, ``算力``), indices or exchanges, which every market report names.
    ``anchors`` None means: extract them from the title and lede (:func:`extract_anchors`).
    """

    article_id: str
    text: str
    title: str = ""
    published_at: datetime | None = None
    entities: frozenset[str] = frozenset()
    anchors: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Which story an article joined and why.

    ``rule`` is ``"new"`` when the article started a story, else the rule that matched it to
    ``matched_id``; ``score`` is the estimated Jaccard similarity (near-duplicate) or the number of
    shared entities and anchors (same event), which ``evidence`` lists.
    """

    article_id: str
    story_id: str
    rule: StoryRule
    matched_id: str | None = None
    score: float = 0.0
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """Persisted grouping state of one article, enough to rebuild a :class:`StoryIndex` without the text.

    ``signature`` is the MinHash signature as little-endian uint32 bytes (``4 * num_perm`` bytes;
    empty for a body too short to compare) and ``shingles`` the size of the shingle set it stands
    for; ``scheme`` is the :attr:`StoryConfig.signature_scheme` they were made with.
    """

    article_id: str
    story_id: str
    rule: StoryRule
    signature: bytes
    scheme: str
    shingles: int = 0
    published_at: datetime | None = None
    entities: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    matched_id: str | None = None
    score: float = 0.0
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """One story: its id and its reports' article ids in the order they joined."""

    story_id: str
    article_ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.article_ids)
