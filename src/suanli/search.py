"""The read path: a query -> ranked articles with highlighted snippets (shared by CLI and API)."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from .errors import BadQueryError
from .knowledge.models import EVENT_TYPES
from .models import Article, SearchHit, SearchQuery, SearchResult, Snippet
from .stages.segment import normalize_text
from .store.tantivy_index import IndexFilter
from .summaries import shown_summary
from .workspace import Workspace

log = logging.getLogger(__name__)

MAX_LIMIT = 100
MAX_QUERY_CHARS = 500
MAX_QUERY_TOKENS = 24
SNIPPET_CHARS = 120
SORTS = ("relevance", "date")
LANGS = ("zh", "en")


def validate_query(query: SearchQuery) -> None:
    """Raise BadQueryError for filters that cannot run; the text itself is checked by tokenizing."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise BadQueryError(f"Limit must be between 1 and {MAX_LIMIT}, got '{query.limit}'")
    if query.offset < 0:
        raise BadQueryError(f"Offset must be 0 or more, got '{query.offset}'")
    if query.sort not in SORTS:
        raise BadQueryError(f"Sort must be one of {', '.join(SORTS)}, got '{query.sort}'")
    if query.lang is not None and query.lang not in LANGS:
        raise BadQueryError(f"Language must be one of {', '.join(LANGS)}, got '{query.lang}'")
    if query.since and query.until and query.since > query.until:
        raise BadQueryError(
            f"Date range is empty: since '{query.since.date()}' is after until '{query.until.date()}'"
        )
    if len(query.text) > MAX_QUERY_CHARS:
        raise BadQueryError(f"Query is {len(query.text)} characters long; the limit is {MAX_QUERY_CHARS}")


def search_articles(query: SearchQuery, ws: Workspace) -> SearchResult:
    """Articles matching every word of ``query.text`` first, then those matching some, with snippets.

    Example:
        >>> result = search_articles(SearchQuery("寒武纪 市值"), ws)  # doctest: +SKIP
        >>> result.hits[0].title  # doctest: +SKIP
    """
    validate_query(query)
    terms = tuple(ws.segmenter.query_tokens(query.text))[:MAX_QUERY_TOKENS]
    if not terms:
        raise BadQueryError(
            f"Query '{query.text}' has no searchable words; use letters, digits or Chinese characters"
        )
    if query.event_type is not None and query.event_type not in EVENT_TYPES:
        raise BadQueryError(f"Event type must be one of {', '.join(EVENT_TYPES)}, got '{query.event_type}'")
    flt = IndexFilter(
        since_ts=_ts(query.since),
        until_ts=_ts(query.until),
        source=query.source,
        lang=query.lang,
        entity_id=ws.resolve_entity(query.entity).entity_id if query.entity else None,
        event_type=query.event_type,
    )
    found = ws.index.search(terms, flt, limit=query.limit, offset=query.offset, by_date=query.sort == "date")
    ids = [i for i, _ in found.hits]
    articles = {a.article_id: a for a in ws.store.get_articles(ids)}
    summaries = ws.store.get_summaries(ids)
    hits = []
    for rank, (article_id, score) in enumerate(found.hits, start=query.offset):
        article = articles.get(article_id)
        if article is None:  # the index is a copy; a stale row is skipped, never shown
            log.warning("Index row %s has no article in the store; run 'suanli reindex'", article_id)
            continue
        hits.append(
            SearchHit(
                article_id=article_id,
                title=article.title,
                source=article.source,
                published_at=article.published_at,
                lang=article.lang,
                score=score,
                snippet=make_snippet(article, terms),
                url=article.canonical_url or article.url,
                summary=shown_summary(summaries[article_id], ws.settings)
                if article_id in summaries
                else None,
                is_exact=rank < found.exact_total,
            )
        )
    return SearchResult(
        query=query, terms=terms, total=found.total, hits=tuple(hits), exact_total=found.exact_total
    )


def make_snippet(article: Article, terms: tuple[str, ...], *, width: int = SNIPPET_CHARS) -> Snippet:
    """The body paragraph with the most distinct query terms, cut around its first match."""
    patterns = [_term_pattern(t) for t in terms]
    best: tuple[int, str, int | None] | None = None
    for block in article.paragraphs:
        haystack = _haystack(block.text)
        distinct = sum(1 for p in patterns if p.search(haystack))
        if best is None or distinct > best[0]:
            best = (distinct, block.text, block.number)
    if best is None:
        return Snippet(text="", paragraph_number=None)
    _, text, number = best
    haystack = _haystack(text)
    spans = sorted({(m.start(), m.end()) for p in patterns for m in p.finditer(haystack)})
    start = 0
    if spans and len(text) > width:
        start = max(0, min(spans[0][0] - width // 4, len(text) - width))
    end = min(len(text), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    highlights: list[tuple[int, int]] = []
    for s, e in spans:
        if s < start or e > end or (highlights and s + shift < highlights[-1][1]):
            continue
        highlights.append((s + shift, e + shift))
    return Snippet(
        text=prefix + text[start:end] + suffix, paragraph_number=number, highlights=tuple(highlights)
    )


def _haystack(text: str) -> str:
    """Text normalised like query tokens, keeping character offsets valid."""
    normal = normalize_text(text)
    return normal if len(normal) == len(text) else text.lower()


def _term_pattern(term: str) -> re.Pattern[str]:
    # Tokens joined with "_" stand for terms written with spaces ("mtt_s4000" <- "MTT S4000").
    return re.compile(r"\s*".join(re.escape(part) for part in term.split("_")))


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None
