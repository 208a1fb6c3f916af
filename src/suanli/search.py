"""The read path: a query -> ranked articles with snippets, one card per story (shared by CLI and API)."""

from __future__ import annotations

import logging
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import BadQueryError, NotFoundError
from .knowledge.models import EVENT_TYPES
from .models import Article, SearchHit, SearchQuery, SearchResult, Snippet, StoryReport
from .stages.segment import normalize_text
from .store.tantivy_index import IndexFilter
from .summaries import shown_summary
from .summary.models import Summary
from .workspace import Workspace

log = logging.getLogger(__name__)

MAX_LIMIT = 100
MAX_QUERY_CHARS = 500
MAX_QUERY_TOKENS = 24
ONLY_SCAN = 1000  # matches scanned when a search is restricted to given article ids
SNIPPET_CHARS = 120
SORTS = ("relevance", "date")
LANGS = ("zh", "en")
# Grouping by story scans this many matches per card up to the page's end (reposts fold into one card),
# but at most GROUP_SCAN unless the page itself lies deeper.
GROUP_FACTOR = 4
GROUP_SCAN = 1000


@dataclass(frozen=True, slots=True)
class HitPage:
    """One page of cards; ``card_total`` counts the cards of all pages when every match was scanned."""

    hits: tuple[SearchHit, ...]
    card_total: int | None = None


@dataclass(frozen=True, slots=True)
class StoryListing:
    """A story's reports, earliest first; ``story_id`` is None for an article not grouped yet."""

    story_id: str | None
    reports: tuple[StoryReport, ...]


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


def search_articles(query: SearchQuery, ws: Workspace, *, only: Container[str] | None = None) -> SearchResult:
    """Articles matching every word of ``query.text`` first, then those matching some, with snippets.

    By default each story gets one card (see :func:`page_hits`); ``query.all_reports`` makes every
    article a card. ``total`` and ``exact_total`` count matching articles either way.

    ``only`` keeps the articles with those ids (a knowledge source that is not in the index): the
    first :data:`ONLY_SCAN` matches are scanned, ``is_total_partial`` telling when there were more.

    Example:
        >>> result = search_articles(SearchQuery("寒武纪 市值"), ws)  # doctest: +SKIP
        >>> result.hits[0].title, result.hits[0].more_reports  # doctest: +SKIP
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
    by_date = query.sort == "date"
    if only is not None:
        scanned = ws.index.search(terms, flt, limit=ONLY_SCAN, by_date=by_date)
        kept = [(aid, score) for aid, score in scanned.hits if aid in only]
        is_partial = scanned.total > ONLY_SCAN
        page = page_hits(
            kept,
            ws,
            terms,
            offset=query.offset,
            limit=query.limit,
            exact_total=len(kept),  # filtered ranks say nothing of exactness; mark none as partial
            is_complete=not is_partial,
            all_reports=query.all_reports,
        )
        return SearchResult(query, terms, len(kept), page.hits, len(kept), page.card_total, is_partial)
    if query.all_reports:
        found = ws.index.search(terms, flt, limit=query.limit, offset=query.offset, by_date=by_date)
        hits = article_hits(found.hits, ws, terms, first_rank=query.offset, exact_total=found.exact_total)
        page = HitPage(hits)
    else:
        end = query.offset + query.limit
        scan = max(end, min(end * GROUP_FACTOR, GROUP_SCAN))
        found = ws.index.search(terms, flt, limit=scan, by_date=by_date)
        page = page_hits(
            found.hits,
            ws,
            terms,
            offset=query.offset,
            limit=query.limit,
            exact_total=found.exact_total,
            is_complete=len(found.hits) < scan,
        )
    return SearchResult(
        query=query,
        terms=terms,
        total=found.total,
        hits=page.hits,
        exact_total=found.exact_total,
        card_total=page.card_total,
    )


def page_hits(
    ranked: Sequence[tuple[str, float]],
    ws: Workspace,
    terms: tuple[str, ...],
    *,
    offset: int,
    limit: int,
    exact_total: int,
    is_complete: bool,
    all_reports: bool = False,
) -> HitPage:
    """One page of cards from matches ranked from the first (``(article_id, score)`` pairs).

    Steps:
        1. Group the matches by story, in rank order; an article without a story row is a story of
           its own. Each group is placed at its best rank.
        2. Cut the page of groups; read their stories' reports and their matching articles.
        3. Make one card per group: the earliest-published matching report (the fullest on a tie,
           then the best ranked), among those that match as fully as the best-ranked one, so the
           card's snippet holds the words that placed it. The story's other reports, matching or
           not, are folded under the card, earliest first.

    ``exact_total``: the first ``exact_total`` matches hold every query word. ``is_complete``: ``ranked``
    holds every match, so the number of cards over all pages is known.
    """
    if all_reports:
        hits = article_hits(
            ranked[offset : offset + limit], ws, terms, first_rank=offset, exact_total=exact_total
        )
        return HitPage(hits, len(ranked) if is_complete else None)
    # 1.
    ids = [article_id for article_id, _ in ranked]
    story_of = ws.store.story_ids(ids)
    groups: dict[str, list[int]] = {}
    for rank, article_id in enumerate(ids):
        # Story ids start with "s-" and article ids are hex digests, so the two keys never collide.
        groups.setdefault(story_of.get(article_id, article_id), []).append(rank)
    ordered = list(groups.items())
    page = ordered[offset : offset + limit]
    # 2.
    articles = {a.article_id: a for a in ws.store.get_articles([ids[r] for _, ranks in page for r in ranks])}
    story_ids = [key for key, ranks in page if ids[ranks[0]] in story_of]
    reports = ws.store.story_reports(story_ids) if story_ids else {}
    # 3.
    cards: list[tuple[Article, int, str | None]] = []
    for key, ranks in page:
        best = ranks[0]
        stored = [r for r in ranks if ids[r] in articles]
        if len(stored) < len(ranks):  # the index is a copy; a stale row is skipped, never shown
            log.warning("Index rows of %s have no article in the store; run 'suanli reindex'", key)
        pool = [r for r in stored if (r < exact_total) == (best < exact_total)] or stored
        if pool:
            chosen = min(pool, key=lambda r: _card_order(articles[ids[r]], r))
            cards.append((articles[ids[chosen]], best, key if key in reports else None))
    summaries = ws.store.get_summaries([article.article_id for article, _, _ in cards])
    shown = [
        _hit(
            article,
            ranked[best][1],
            terms,
            ws,
            summaries,
            is_exact=best < exact_total,
            story_id=story_id,
            other_reports=tuple(
                r for r in reports.get(story_id or "", ()) if r.article_id != article.article_id
            ),
        )
        for article, best, story_id in cards
    ]
    return HitPage(tuple(shown), len(ordered) if is_complete else None)


def article_hits(
    ranked: Sequence[tuple[str, float]],
    ws: Workspace,
    terms: tuple[str, ...],
    *,
    first_rank: int,
    exact_total: int,
) -> tuple[SearchHit, ...]:
    """A card per article of ``ranked`` (whose first item has rank ``first_rank``), with its story id."""
    ids = [article_id for article_id, _ in ranked]
    articles = {a.article_id: a for a in ws.store.get_articles(ids)}
    summaries = ws.store.get_summaries(ids)
    story_of = ws.store.story_ids(ids)
    hits = []
    for rank, (article_id, score) in enumerate(ranked, start=first_rank):
        article = articles.get(article_id)
        if article is None:  # the index is a copy; a stale row is skipped, never shown
            log.warning("Index row %s has no article in the store; run 'suanli reindex'", article_id)
            continue
        hits.append(
            _hit(
                article,
                score,
                terms,
                ws,
                summaries,
                is_exact=rank < exact_total,
                story_id=story_of.get(article_id),
            )
        )
    return tuple(hits)


def _hit(
    article: Article,
    score: float,
    terms: tuple[str, ...],
    ws: Workspace,
    summaries: Mapping[str, Summary],
    *,
    is_exact: bool,
    story_id: str | None,
    other_reports: tuple[StoryReport, ...] = (),
) -> SearchHit:
    stored = summaries.get(article.article_id)
    return SearchHit(
        article_id=article.article_id,
        title=article.title,
        source=article.source,
        published_at=article.published_at,
        lang=article.lang,
        score=score,
        snippet=make_snippet(article, terms),
        url=article.canonical_url or article.url,
        summary=shown_summary(stored, ws.settings) if stored is not None else None,
        is_exact=is_exact,
        story_id=story_id,
        other_reports=other_reports,
    )


def _card_order(article: Article, rank: int) -> tuple[bool, float, int, int, int]:
    """Earliest first (undated last), then the most paragraphs, the most characters, the best rank."""
    paragraphs = article.paragraphs
    when = article.published_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (
        when is None,
        when.timestamp() if when is not None else 0.0,
        -len(paragraphs),
        -sum(len(p.text) for p in paragraphs),
        rank,
    )


def find_story(ref: str, ws: Workspace) -> StoryListing:
    """The reports of a story, earliest first, by story id (``s-...``) or by an article id or prefix.

    An article without a story row is a story of its own (``story_id`` None). Raises NotFoundError.

    Example:
        >>> find_story("s-141a6a6c0eae9b47", ws).reports[0].title  # doctest: +SKIP
    """
    ref = ref.strip()
    if ref.startswith("s-"):
        reports = ws.store.story_reports([ref]).get(ref, [])
        if not reports:
            raise NotFoundError(
                f"No story with id '{ref}'; story ids are shown by 'suanli search', or give an article id"
            )
        return StoryListing(ref, tuple(reports))
    article = ws.store.get_article(ref)
    story_id = ws.store.story_ids([article.article_id]).get(article.article_id)
    if story_id is not None:
        reports = ws.store.story_reports([story_id]).get(story_id, [])
        if reports:
            return StoryListing(story_id, tuple(reports))
    alone = StoryReport(
        article.article_id,
        article.title,
        article.source,
        article.published_at,
        article.canonical_url or article.url,
        article.lang,
    )
    return StoryListing(None, (alone,))


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
