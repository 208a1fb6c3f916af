"""Article view: blocks in order with numbered paragraphs, summary, keywords and related reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from suanli.models import Article, BlockKind
from suanli.related import RELATED_LIMIT, find_related
from suanli.stages.segment import normalize_text
from suanli.web.hooks import Hooks
from suanli.workspace import Workspace

from .summary import SummaryView, summaries_for

SHOWN_KINDS: tuple[BlockKind, ...] = ("body", "heading", "caption")


@dataclass(frozen=True, slots=True)
class BlockView:
    kind: BlockKind
    text: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class SharedEntityView:
    entity_id: str
    name: str
    is_known: bool  # the server has an entity page for it


@dataclass(frozen=True, slots=True)
class RelatedView:
    """One related read (你可能还想读): another story's best report and why it was chosen."""

    article_id: str
    title: str
    source: str
    published_at: datetime | None
    excerpt: str
    story_id: str = ""
    score: float = 0.0
    shared_entities: tuple[SharedEntityView, ...] = ()


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
        related=related_views(ws, article, hooks, keywords),
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


def related_views(
    ws: Workspace, article: Article, hooks: Hooks, keywords: Sequence[str], *, limit: int = RELATED_LIMIT
) -> tuple[RelatedView, ...]:
    """Related reads of :func:`suanli.related.find_related`, shared entities named by the knowledge hook."""
    reads = find_related(ws, article, limit=limit, keywords=keywords)
    names: dict[str, SharedEntityView] = {}
    for entity_id in sorted({e for r in reads for e in r.shared_entities}):
        entity = hooks.knowledge.entity(ws, entity_id) if hooks.knowledge is not None else None
        name = entity.name if entity is not None and entity.name else entity_id
        names[entity_id] = SharedEntityView(entity_id, name, entity is not None)
    return tuple(
        RelatedView(
            article_id=r.article_id,
            title=r.title,
            source=r.source,
            published_at=r.published_at,
            excerpt=r.excerpt,
            story_id=r.story_id,
            score=r.score,
            shared_entities=tuple(names[e] for e in r.shared_entities),
        )
        for r in reads
    )
