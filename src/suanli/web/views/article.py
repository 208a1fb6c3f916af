"""Article view: blocks in order with numbered paragraphs, summary, keywords and related articles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from suanli.models import Article, BlockKind
from suanli.search import MAX_QUERY_TOKENS
from suanli.stages.segment import normalize_text
from suanli.store.tantivy_index import IndexFilter
from suanli.web.hooks import Hooks
from suanli.workspace import Workspace

from .summary import SummaryView, summaries_for

RELATED_LIMIT = 5
SHOWN_KINDS: tuple[BlockKind, ...] = ("body", "heading", "caption")


@dataclass(frozen=True, slots=True)
class BlockView:
    kind: BlockKind
    text: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class RelatedView:
    article_id: str
    title: str
    source: str
    published_at: datetime | None
    excerpt: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    blocks: tuple[BlockView, ...]  # body, headings and captions in reading order
    bylines: tuple[str, ...]
    disclaimers: tuple[str, ...]
    summary: SummaryView | None
    keywords: tuple[str, ...]
    related: tuple[RelatedView, ...]

    @property
    def original_url(self) -> str | None:
        return self.article.canonical_url or self.article.url


def build_article(ws: Workspace, article_id: str, hooks: Hooks, terms: Sequence[str]) -> ArticleView:
    """The article page; raises NotFoundError for an unknown id.

    ``terms`` is the domain dictionary: the terms found in the article are its keywords when no
    summary supplies them.
    """
    article = ws.store.get_article(article_id)
    summary = summaries_for(ws, hooks, [article.article_id]).get(article.article_id)
    keywords = summary.keywords if summary and summary.keywords else dictionary_keywords(article, terms)
    return ArticleView(
        article=article,
        blocks=tuple(BlockView(b.kind, b.text, b.number) for b in article.blocks if b.kind in SHOWN_KINDS),
        bylines=tuple(b.text for b in article.blocks if b.kind == "byline"),
        disclaimers=tuple(b.text for b in article.blocks if b.kind == "disclaimer"),
        summary=summary,
        keywords=keywords,
        related=related_articles(ws, article, keywords),
    )


def dictionary_keywords(article: Article, terms: Sequence[str], *, limit: int = 8) -> tuple[str, ...]:
    """Domain terms that occur in the article, the most frequent first (a title mention counts 3)."""
    title = normalize_text(article.title)
    body = normalize_text("\n".join(b.text for b in article.paragraphs))
    counts: Counter[str] = Counter()
    for term in terms:
        key = normalize_text(term)
        if len(key) < 2:
            continue
        n = body.count(key) + 3 * title.count(key)
        if n:
            counts[term] = n
    # A term inside a longer term already chosen (GPU in 国产GPU) adds little: keep the longer one.
    chosen: list[str] = []
    for term, _ in counts.most_common():
        key = normalize_text(term)
        if not any(key in normalize_text(c) or normalize_text(c) in key for c in chosen):
            chosen.append(term)
        if len(chosen) == limit:
            break
    return tuple(chosen)


def related_articles(
    ws: Workspace, article: Article, keywords: Sequence[str], *, limit: int = RELATED_LIMIT
) -> tuple[RelatedView, ...]:
    """Articles that share the most of this one's keywords and title words, by summed 1/rank.

    A simple content similarity: one index lookup per word, at most eight lookups.
    """
    title_words = [t for t in ws.segmenter.query_tokens(article.title) if len(t) >= 2 and not t.isdigit()]
    words = list(dict.fromkeys([*keywords, *title_words]))[:8]
    scores: dict[str, float] = {}
    for word in words:
        tokens = ws.segmenter.query_tokens(word)[:MAX_QUERY_TOKENS]
        if not tokens:
            continue
        found = ws.index.search(tokens, IndexFilter(), limit=limit * 3)
        for rank, (aid, _) in enumerate(found.hits):
            if aid != article.article_id:
                scores[aid] = scores.get(aid, 0.0) + 1.0 / (rank + 1)
    seen_titles = {normalize_text(article.title)}
    out: list[RelatedView] = []
    best = sorted(scores, key=lambda aid: -scores[aid])[: limit * 2]
    for other in ws.store.get_articles(best):
        key = normalize_text(other.title)
        if key in seen_titles:  # a syndicated copy of the same story is not "related"
            continue
        seen_titles.add(key)
        first = other.paragraphs[0].text if other.paragraphs else ""
        excerpt = first[:90] + ("…" if len(first) > 90 else "")
        out.append(RelatedView(other.article_id, other.title, other.source, other.published_at, excerpt))
        if len(out) == limit:
            break
    return tuple(out)
