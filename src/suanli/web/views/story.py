"""Story view: the reports of one story, earliest first, with source, date and how each joined."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from suanli.models import StoryReport
from suanli.search import find_story
from suanli.workspace import Workspace


def story_url(story_id: str) -> str:
    return f"/stories/{quote(story_id, safe='')}"


@dataclass(frozen=True, slots=True)
class StoryView:
    """``story_id`` is None for an article not grouped yet (a story of its own)."""

    story_id: str | None
    reports: tuple[StoryReport, ...]

    @property
    def title(self) -> str:
        return self.reports[0].title

    @property
    def first_at(self) -> datetime | None:
        return self.reports[0].published_at

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.source for r in self.reports))


def build_story(ws: Workspace, story_id: str) -> StoryView:
    """The story page; ``story_id`` may also be an article id or prefix. Raises NotFoundError."""
    found = find_story(story_id, ws)
    return StoryView(found.story_id, found.reports)
