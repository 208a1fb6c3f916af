"""Topic briefings: the matching stories as cards, cited main developments, a timeline, key numbers.

Every statement of a briefing cites ``[article§paragraph]`` and passes the citation check of
article summaries (:func:`suanli.summary.check_bullet`) against the paragraphs it cites. With
``as_of`` nothing published after that moment is used, so a briefing for a past day can be
reproduced. Briefings render to Markdown, to one standalone HTML page and to JSON.

Example:
    >>> items = [BriefItem(article, summaries.get(article.article_id), story_of[article.article_id])
    ...          for article in matching_articles]  # doctest: +SKIP
    >>> options = BriefOptions("H20", as_of=datetime(2025, 8, 31, tzinfo=UTC))
    >>> brief = build_brief(items, options)  # doctest: +SKIP
    >>> print(render_brief_markdown(brief))  # doctest: +SKIP
"""

from __future__ import annotations

from .build import build_brief
from .models import (
    Brief,
    BriefBullet,
    BriefEvent,
    BriefFact,
    BriefItem,
    BriefOptions,
    Citation,
    KeyNumber,
    NumberValue,
    Report,
    StoryCard,
    TimelineEntry,
)
from .render import brief_to_dict, render_brief_html, render_brief_markdown

__all__ = [
    "Brief",
    "BriefBullet",
    "BriefEvent",
    "BriefFact",
    "BriefItem",
    "BriefOptions",
    "Citation",
    "KeyNumber",
    "NumberValue",
    "Report",
    "StoryCard",
    "TimelineEntry",
    "brief_to_dict",
    "build_brief",
    "render_brief_html",
    "render_brief_markdown",
]
