"""Summary view: statements with the paragraph numbers they cite, taken from the summaries hook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from suanli.summary.models import Bullet, Summary
from suanli.web.hooks import Hooks
from suanli.workspace import Workspace


@dataclass(frozen=True, slots=True)
class CitedText:
    """A statement and the paragraph numbers it cites; ``is_supported`` is None when unchecked."""

    text: str
    citations: tuple[int, ...]
    is_supported: bool | None = None


@dataclass(frozen=True, slots=True)
class SectionView:
    heading: str
    bullets: tuple[CitedText, ...]


@dataclass(frozen=True, slots=True)
class SummaryView:
    quick_read: CitedText | None
    core_points: tuple[CitedText, ...]
    sections: tuple[SectionView, ...]
    keywords: tuple[str, ...]
    label: str


def _cited(bullet: Bullet) -> CitedText:
    is_supported = bullet.verdict.is_supported if bullet.verdict is not None else None
    return CitedText(bullet.text, tuple(bullet.citations), is_supported)


def summary_view(summary: Summary) -> SummaryView:
    return SummaryView(
        quick_read=_cited(summary.quick_read) if summary.quick_read is not None else None,
        core_points=tuple(_cited(b) for b in summary.core_points),
        sections=tuple(SectionView(s.heading, tuple(_cited(b) for b in s.bullets)) for s in summary.sections),
        keywords=tuple(summary.keywords),
        label=summary.label,
    )


def summaries_for(ws: Workspace, hooks: Hooks, article_ids: Sequence[str]) -> dict[str, SummaryView]:
    """Summary views of the articles that have a summary; empty when the server has no summaries hook."""
    if hooks.summaries is None or not article_ids:
        return {}
    return {aid: summary_view(s) for aid, s in hooks.summaries(ws, article_ids).items()}
