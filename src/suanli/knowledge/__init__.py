"""AI-compute knowledge: the entity base, entity mentions, typed numeric facts and events.

Typical use, once per article::

    kb = load_kb()                                   # once per process
    mentions = find_article_mentions(article, kb)
    facts = extract_facts(article, kb, mentions=mentions)
    events = detect_events(article, kb, facts, mentions=mentions)

and across articles ``merge_events(events)`` and ``find_conflicts(facts)``.
"""

from __future__ import annotations

from datetime import tzinfo

from suanli.models import Article

from .conflicts import find_conflicts
from .dates import find_dates
from .events import detect_events, merge_events
from .facts import extract_facts
from .kb import KnowledgeBase, load_kb
from .mentions import find_article_mentions, find_mentions
from .models import (
    ArticleKnowledge,
    Conflict,
    DateMention,
    Entity,
    Event,
    Evidence,
    Fact,
    Listing,
    Mention,
    Period,
    Spec,
)

__all__ = [
    "ArticleKnowledge",
    "Conflict",
    "DateMention",
    "Entity",
    "Event",
    "Evidence",
    "Fact",
    "KnowledgeBase",
    "Listing",
    "Mention",
    "Period",
    "Spec",
    "detect_events",
    "extract_facts",
    "find_article_mentions",
    "find_conflicts",
    "find_dates",
    "find_mentions",
    "load_kb",
    "merge_events",
    "analyze_article",
]


def analyze_article(article: Article, kb: KnowledgeBase, *, tz: tzinfo | None = None) -> ArticleKnowledge:
    """Mentions, facts and events of one article, dates anchored to its publish date.

    Example:
        >>> knowledge = analyze_article(article, load_kb())  # doctest: +SKIP
        >>> knowledge.entity_ids  # doctest: +SKIP
        ('cambricon', 'nvidia', 'nvidia-h20')
    """
    mentions = find_article_mentions(article, kb)
    facts = extract_facts(article, kb, published_at=article.published_at, tz=tz, mentions=mentions)
    events = detect_events(article, kb, facts, published_at=article.published_at, tz=tz, mentions=mentions)
    return ArticleKnowledge(tuple(mentions), tuple(facts), tuple(events))
