"""Related reads (你可能还想读): other stories close to an article by content, entities and time.

Each candidate article scores ``content_weight * cosine + entity_weight * entity overlap +
recency_weight * closeness``, where cosine is over TF-IDF vectors of the search tokens suanli
indexes, entity overlap is the Jaccard index of the two entity sets, and closeness halves every
``recency_half_life_days`` between the two publication dates. Each story is represented by its
best-scoring report; the article's own story is left out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from suanli.errors import ConfigError
from suanli.models import Article

from .events import timestamp


@dataclass(frozen=True, slots=True)
class ReadCandidate:
    """One article as related reads see it; ``tokens`` are its search tokens (title and body)."""

    article_id: str
    story_id: str
    title: str
    tokens: tuple[str, ...]
    entities: frozenset[str] = frozenset()
    published_at: datetime | None = None
    source: str = ""
    excerpt: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedConfig:
    """Weights and limits of related reads; a candidate needs ``min_similarity`` or a shared entity."""

    limit: int = 8
    content_weight: float = 0.6
    entity_weight: float = 0.25
    recency_weight: float = 0.15
    recency_half_life_days: float = 30.0
    min_similarity: float = 0.05
    excerpt_chars: int = 120

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ConfigError(f"Related reads 'limit' must be 1 or more, got '{self.limit}'")
        if self.recency_half_life_days <= 0:
            raise ConfigError(
                f"Related reads 'recency_half_life_days' must be above 0, got '{self.recency_half_life_days}'"
            )


@dataclass(frozen=True, slots=True)
class RelatedRead:
    """One suggested story: its best report, with date, excerpt and why it was chosen."""

    story_id: str
    article_id: str
    title: str
    source: str
    published_at: datetime | None
    excerpt: str
    score: float
    similarity: float
    shared_entities: tuple[str, ...] = ()
    url: str | None = None


def read_candidate(
    article: Article,
    story_id: str,
    tokens: Sequence[str],
    *,
    entities: Iterable[str] = (),
    excerpt: str | None = None,
) -> ReadCandidate:
    """A candidate built from an article; the excerpt defaults to its first body paragraph."""
    paragraphs = article.paragraphs
    return ReadCandidate(
        article_id=article.article_id,
        story_id=story_id,
        title=article.title,
        tokens=tuple(tokens),
        entities=frozenset(entities),
        published_at=article.published_at or article.fetched_at,
        source=article.source,
        excerpt=excerpt if excerpt is not None else (paragraphs[0].text if paragraphs else ""),
        url=article.canonical_url or article.url,
    )


def related_reads(
    article: ReadCandidate,
    candidates: Iterable[ReadCandidate],
    *,
    doc_freq: Mapping[str, int] | None = None,
    doc_count: int | None = None,
    config: RelatedConfig | None = None,
) -> list[RelatedRead]:
    """Up to ``config.limit`` other stories for ``article``, best first.

    ``doc_freq``/``doc_count`` give corpus document frequencies for the IDF weights; without them
    the frequencies are counted over ``article`` and ``candidates``.

    Example:
        >>> reads = related_reads(target, candidates)  # doctest: +SKIP
        >>> [(r.title, r.published_at.date(), r.excerpt) for r in reads]  # doctest: +SKIP
    """
    config = config or RelatedConfig()
    pool = [c for c in candidates if c.story_id != article.story_id and c.article_id != article.article_id]
    if not pool:
        return []
    counts = {c.article_id: _term_counts(c.tokens) for c in pool}
    own_counts = _term_counts(article.tokens)
    if doc_freq is None or doc_count is None:
        doc_freq = Counter(t for tf in [own_counts, *counts.values()] for t in tf)
        doc_count = len(pool) + 1
    idf = _Idf(doc_freq, doc_count)
    own_vector = _tfidf(own_counts, idf)
    best: dict[str, tuple[tuple[float, float, str], RelatedRead]] = {}
    for candidate in pool:
        similarity = _cosine(own_vector, _tfidf(counts[candidate.article_id], idf))
        shared = article.entities & candidate.entities
        if similarity < config.min_similarity and not shared:
            continue
        union = article.entities | candidate.entities
        overlap = len(shared) / len(union) if union else 0.0
        score = (
            config.content_weight * similarity
            + config.entity_weight * overlap
            + config.recency_weight * _closeness(article, candidate, config.recency_half_life_days)
        )
        read = RelatedRead(
            story_id=candidate.story_id,
            article_id=candidate.article_id,
            title=candidate.title,
            source=candidate.source,
            published_at=candidate.published_at,
            excerpt=_cut(candidate.excerpt, config.excerpt_chars),
            score=round(score, 6),
            similarity=round(similarity, 6),
            shared_entities=tuple(sorted(shared)),
            url=candidate.url,
        )
        key = (-read.score, -(timestamp(candidate.published_at) or 0.0), candidate.article_id)
        kept = best.get(candidate.story_id)
        if kept is None or key < kept[0]:
            best[candidate.story_id] = (key, read)
    ranked = sorted(best.values(), key=lambda pair: pair[0])
    return [read for _, read in ranked[: config.limit]]


class _Idf:
    def __init__(self, doc_freq: Mapping[str, int], doc_count: int) -> None:
        self._doc_freq = doc_freq
        self._doc_count = max(doc_count, 1)
        self._cache: dict[str, float] = {}

    def __getitem__(self, term: str) -> float:
        value = self._cache.get(term)
        if value is None:
            value = math.log((self._doc_count + 1) / (self._doc_freq.get(term, 0) + 1)) + 1.0
            self._cache[term] = value
        return value


def _term_counts(tokens: Sequence[str]) -> Counter[str]:
    # One-character tokens (particles, single digits) carry little topic and much noise.
    return Counter(t for t in tokens if len(t) > 1)


def _tfidf(counts: Counter[str], idf: _Idf) -> dict[str, float]:
    return {term: (1.0 + math.log(n)) * idf[term] for term, n in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(w * large.get(t, 0.0) for t, w in small.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _closeness(a: ReadCandidate, b: ReadCandidate, half_life_days: float) -> float:
    ta, tb = timestamp(a.published_at), timestamp(b.published_at)
    if ta is None or tb is None:
        return 0.0
    return float(math.exp(-math.log(2.0) * abs(ta - tb) / 86400.0 / half_life_days))


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
