"""Related reads (你可能还想读) of one article: candidates from the search index, ranked by stories.related.

The ranking itself lives in :mod:`suanli.stories.related` (TF-IDF cosine, shared entities, closeness
in time; one report per story; the article's own story left out). This module only gathers a small
candidate pool cheaply, so the cost does not grow with the corpus: a handful of index lookups with
the article's most distinctive words, its title words and keywords, its rarest entities and its
weeks, then one store read for the pool.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta

from .models import Article
from .stages.index import article_date_ts
from .stages.segment import normalize_text
from .store.tantivy_index import IndexFilter
from .stories.related import ReadCandidate, RelatedConfig, RelatedRead, read_candidate, related_reads
from .workspace import Workspace

log = logging.getLogger(__name__)

__all__ = ["RELATED_LIMIT", "RelatedRead", "article_tokens", "find_related"]

RELATED_LIMIT = 8
LOOKUP_TERMS = 12  # the article's words with the highest TF-IDF, searched for together
POSTINGS_BUDGET = 50_000  # at most this many postings per lookup: its cost, whatever the corpus size
ENTITY_LOOKUPS = 3  # the article's rarest entities, one lookup each
# Segmenting the candidates is the largest cost (about 40%), so the pool is small and each candidate
# is compared by its title and lede only. On 2,000 generated articles (bench/bench_related.py) a pool
# of 40 held half of the stories an exhaustive ranking puts first and a pool of 60 about 70%; whole
# bodies instead of 400 characters added little (+0.05) for a third more time.
POOL_SIZE = 60
CANDIDATE_BODY_CHARS = 400
NEARBY_LOOKUPS = ((7, 40), (30, 30))  # (days either side of the article, hits)
SPARE_READS = 4
_RANK_OFFSET = 10  # reciprocal-rank fusion: 1 / (offset + rank), so no single lookup dominates


def find_related(
    ws: Workspace,
    article_id_or_article: str | Article,
    *,
    limit: int = RELATED_LIMIT,
    keywords: Sequence[str] = (),
    config: RelatedConfig | None = None,
) -> list[RelatedRead]:
    """Up to ``limit`` other stories to read after this article, best first.

    Steps: 1. the article, its story, its entities and its search tokens; 2. index lookups
    (top TF-IDF words, title words and ``keywords``, rarest entities, nearby weeks), fused by
    rank into a pool of about :data:`POOL_SIZE`, without the reports of the article's own story;
    3. the pool's articles, story ids and entities from the store; 4. corpus document frequencies
    from the index and :func:`suanli.stories.related.related_reads`. An article without a story
    row is a story of its own (``s-<article id>``). Raises NotFoundError for an unknown id.

    Example:
        >>> reads = find_related(ws, "3f2a9c1d")  # doctest: +SKIP
        >>> [(r.published_at.date(), r.title, r.excerpt) for r in reads]  # doctest: +SKIP
    """
    # Ask the ranking for spare reads: those titled like the article or a better read are dropped.
    config = replace(config or RelatedConfig(), limit=limit + SPARE_READS)
    # 1.
    article = (
        ws.store.get_article(article_id_or_article)
        if isinstance(article_id_or_article, str)
        else article_id_or_article
    )
    article_id = article.article_id
    story_id = ws.store.story_ids([article_id]).get(article_id, f"s-{article_id}")
    own_ids = {r.article_id for r in ws.store.story_reports([story_id]).get(story_id, [])} | {article_id}
    tags = ws.store.article_tags([article_id]).get(article_id)
    entities = tags.entity_ids if tags else ()
    tokens = article_tokens(ws, article)
    counts = Counter(t for t in tokens if _is_term(t))
    # 2.
    lookup_terms = _top_terms(ws, counts)
    pool = _gather(ws, article, lookup_terms, keywords, entities, exclude=own_ids)
    if not pool:
        return []
    # 3.
    stories = ws.store.story_ids(pool)
    pool = [i for i in pool if stories.get(i, f"s-{i}") != story_id]
    pool_tags = ws.store.article_tags(pool)
    candidates: list[ReadCandidate] = []
    terms = set(counts)
    for other in ws.store.get_articles(pool):
        other_id = other.article_id
        other_tags = pool_tags.get(other_id)
        other_terms = _terms(article_tokens(ws, other, max_body_chars=CANDIDATE_BODY_CHARS))
        terms.update(other_terms)
        candidates.append(
            read_candidate(
                other,
                stories.get(other_id, f"s-{other_id}"),
                other_terms,
                entities=other_tags.entity_ids if other_tags else (),
            )
        )
    log.debug("Related reads of %s: %d candidates, %d terms", article_id, len(candidates), len(terms))
    # 4.
    target = read_candidate(article, story_id, _terms(tokens), entities=entities)
    doc_freq, doc_count = ws.index.doc_freqs(terms)
    reads = related_reads(target, candidates, doc_freq=doc_freq, doc_count=doc_count, config=config)
    return _distinct_titles(article, reads)[:limit]


def article_tokens(ws: Workspace, article: Article, *, max_body_chars: int | None = None) -> list[str]:
    """Search tokens of the title and the body (its first ``max_body_chars`` characters, if given),
    as :func:`suanli.stages.index.index_article` makes them."""
    body = "\n".join(b.text for b in article.blocks if b.kind in ("body", "heading"))
    if max_body_chars is not None:
        body = body[:max_body_chars]
    return ws.segmenter.index_tokens(article.title) + ws.segmenter.index_tokens(body)


def _is_term(token: str) -> bool:
    # Like the ranking: one-character tokens (particles, single digits) carry little topic.
    return len(token) > 1


def _terms(tokens: Sequence[str]) -> list[str]:
    # The ranking drops one-character tokens too; dropping them first halves its counting work.
    return [t for t in tokens if len(t) > 1]


def _top_terms(ws: Workspace, counts: Counter[str]) -> list[str]:
    """The article's words with the highest TF-IDF by corpus frequencies, most distinctive first."""
    if not counts:
        return []
    doc_freq, doc_count = ws.index.doc_freqs(counts)
    weights = {
        t: (1.0 + math.log(n)) * math.log((doc_count + 1) / (doc_freq.get(t, 0) + 1))
        for t, n in counts.items()
    }
    ranked = sorted(weights, key=lambda t: (-weights[t], t))
    return _within_budget(ranked, doc_freq)


def _within_budget(ranked: Sequence[str], doc_freq: Mapping[str, int]) -> list[str]:
    """Up to LOOKUP_TERMS of ``ranked`` whose postings fit POSTINGS_BUDGET (else the rarest one).

    A lookup costs about 30 ns per posting of its words (2 cores, 1M articles), so common words
    are left out: they would cost the most and tell the least.
    """
    # A word in no other document (a typo, a one-off number) finds nothing; skip it.
    usable = [t for t in ranked if doc_freq.get(t, 0) > 1]
    chosen: list[str] = []
    spent = 0
    for term in usable:
        if spent + doc_freq[term] <= POSTINGS_BUDGET:
            chosen.append(term)
            spent += doc_freq[term]
            if len(chosen) == LOOKUP_TERMS:
                break
    if not chosen and usable:
        chosen.append(min(usable, key=lambda t: (doc_freq[t], t)))
    return chosen


def _distinct_titles(article: Article, reads: Sequence[RelatedRead]) -> list[RelatedRead]:
    # A copy that story grouping missed (a repost with an edited body) still has the same title.
    seen = {normalize_text(article.title).strip()}
    out = []
    for read in reads:
        key = normalize_text(read.title).strip()
        if key not in seen:
            seen.add(key)
            out.append(read)
    return out


def _gather(
    ws: Workspace,
    article: Article,
    terms: Sequence[str],
    keywords: Sequence[str],
    entities: Sequence[str],
    *,
    exclude: set[str],
) -> list[str]:
    """Candidate ids from a few index lookups, best fused rank first, at most POOL_SIZE of them.

    Each lookup asks for ``len(exclude)`` more hits: the own story's reports match best and must
    not crowd the others out.
    """
    extra = len(exclude)
    lookups: list[tuple[list[str], IndexFilter, int]] = []
    date_ts = article_date_ts(article)
    if terms and date_ts:
        # Closeness in time is part of the score, and on generated corpora the stories an
        # exhaustive ranking puts first are mostly within weeks: two windows find them best.
        for days, limit in NEARBY_LOOKUPS:
            window = int(timedelta(days=days).total_seconds())
            nearby = IndexFilter(since_ts=date_ts - window, until_ts=date_ts + window)
            lookups.append((list(terms), nearby, limit + extra))
    if terms:
        lookups.append((list(terms), IndexFilter(), 20 + extra))
    title_words = list(
        dict.fromkeys(
            t
            for text in (article.title, *keywords)
            for t in ws.segmenter.query_tokens(text)
            if _is_term(t) and not t.isdigit()
        )
    )
    if title_words:
        title_freq, _ = ws.index.doc_freqs(title_words)
        lookups.append((_within_budget(title_words, title_freq), IndexFilter(), 10 + extra))
    if entities:
        entity_freq, _ = ws.index.doc_freqs(entities, fields=("entities",))
        rarest = sorted(entities, key=lambda e: (entity_freq.get(e, 0), e))[:ENTITY_LOOKUPS]
        for entity_id in rarest:
            lookups.append((list(terms[:6]), IndexFilter(entity_id=entity_id), 6 + extra))
    return _fuse((ws.index.search(t, f, limit=n).hits for t, f, n in lookups), exclude=exclude)


def _fuse(rankings: Iterable[Sequence[tuple[str, float]]], *, exclude: set[str]) -> list[str]:
    scores: dict[str, float] = {}
    for hits in rankings:
        rank = 0
        for article_id, _ in hits:
            if article_id in exclude:
                continue
            scores[article_id] = scores.get(article_id, 0.0) + 1.0 / (_RANK_OFFSET + rank)
            rank += 1
    return sorted(scores, key=lambda i: (-scores[i], i))[:POOL_SIZE]
