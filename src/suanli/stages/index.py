"""Article -> IndexDoc: the pre-segmented search row for one article."""

from __future__ import annotations

from datetime import UTC, datetime

from suanli.models import Article, ArticleTags, IndexDoc

from .segment import Segmenter

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def article_date_ts(article: Article) -> int:
    """Seconds since the epoch of the date an article is filed under (published, else fetched)."""
    when = article.published_at or article.fetched_at
    return int(when.timestamp()) if when is not None else 0


def index_article(article: Article, segmenter: Segmenter, tags: ArticleTags | None = None) -> IndexDoc:
    """Segment an article's title and body paragraphs into whitespace-joined tokens.

    Headings count as body text for search; bylines, captions, disclaimers and
    boilerplate are left out so that they do not match queries.

    Example:
        >>> doc = index_article(article, Segmenter())  # doctest: +SKIP
    """
    body = "\n".join(b.text for b in article.blocks if b.kind in ("body", "heading"))
    return IndexDoc(
        article_id=article.article_id,
        title_tokens=" ".join(segmenter.index_tokens(article.title)),
        body_tokens=" ".join(segmenter.index_tokens(body)),
        source=article.source,
        lang=article.lang,
        date_ts=article_date_ts(article),
        entity_ids=tags.entity_ids if tags else (),
        event_types=tags.event_types if tags else (),
    )
