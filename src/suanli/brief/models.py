"""Frozen records of a topic briefing: its inputs (articles, facts, events) and the Brief it becomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from suanli.errors import ConfigError
from suanli.models import Article, Lang
from suanli.summary.models import POLICY_MODES, Summary, Verdict


@dataclass(frozen=True, slots=True)
class BriefItem:
    """One matching article, its stored summary (None: the extractive engine writes one) and story."""

    article: Article
    summary: Summary | None = None
    story_id: str | None = None


@dataclass(frozen=True, slots=True)
class BriefFact:
    """A numeric fact from one paragraph, as the knowledge layer extracts it (plain values only).

    Facts with the same ``subject``, ``metric``, ``period`` and ``aspect`` share a row of the
    key-numbers table; ``value``/``unit`` compare them (None for a vague or ranged amount).
    """

    article_id: str
    paragraph_number: int
    subject: str
    metric: str
    value_text: str
    value: float | None = None
    unit: str | None = None
    period: str | None = None
    aspect: str | None = None


@dataclass(frozen=True, slots=True)
class BriefEvent:
    """A dated event with the paragraph that reports it."""

    on: date
    text: str
    article_id: str
    paragraph_number: int
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class BriefOptions:
    """How to build a briefing.

    ``as_of`` leaves out every article published after it (and events dated after its day), so a
    briefing for a past day is reproducible; an article without any date is left out too, since it
    cannot be shown to be older. ``since``/``until`` narrow the period the same way. ``entities``
    are names the citation check must find in a cited paragraph when a bullet uses them.
    ``policy`` ``"drop"`` removes bullets that fail the check, ``"mark"`` keeps them with verdicts.
    """

    query: str
    as_of: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    lang: Lang | None = None
    max_stories: int = 20
    max_developments: int = 8
    max_timeline: int = 30
    max_numbers: int = 20
    max_corroborations: int = 2
    policy: Literal["drop", "mark"] = "drop"
    entities: tuple[str, ...] = ()
    generated_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.policy not in POLICY_MODES:
            raise ConfigError(f"Brief policy '{self.policy}' is not one of: {', '.join(POLICY_MODES)}")
        for name in ("max_stories", "max_developments", "max_timeline", "max_numbers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"Brief option '{name}' must be 1 or more, got '{getattr(self, name)}'")


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited paragraph; ``label`` is the article id prefix shown in ``[label§paragraph]``."""

    article_id: str
    paragraph: int
    label: str

    @property
    def rendered(self) -> str:
        return f"[{self.label}§{self.paragraph}]"


@dataclass(frozen=True, slots=True)
class BriefBullet:
    """A statement with its citations; ``verdict`` is the citation check over every cited article."""

    text: str
    citations: tuple[Citation, ...]
    verdict: Verdict

    @property
    def rendered(self) -> str:
        return self.text + "".join(c.rendered for c in self.citations)

    @property
    def is_supported(self) -> bool:
        return self.verdict.is_supported


@dataclass(frozen=True, slots=True)
class Report:
    """One article of a story, as a card lists it."""

    article_id: str
    label: str
    title: str
    source: str
    published_at: datetime | None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class StoryCard:
    """A story: its lead report (the earliest, the longest on a tie), core points, and all reports."""

    story_id: str
    lead: Report
    core_points: tuple[BriefBullet, ...]
    reports: tuple[Report, ...]

    @property
    def more_reports(self) -> int:
        return len(self.reports) - 1


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    on: date
    bullet: BriefBullet
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class NumberValue:
    """One value of a key number and every paragraph that states it."""

    value_text: str
    value: float | None
    unit: str | None
    citations: tuple[Citation, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyNumber:
    """A row of the key-numbers table; several values mean the reports disagree."""

    subject: str
    metric: str
    period: str | None
    aspect: str | None
    values: tuple[NumberValue, ...]

    @property
    def is_conflict(self) -> bool:
        return len(self.values) > 1


@dataclass(frozen=True, slots=True)
class Brief:
    """A cited topic briefing: story cards newest first, main developments, timeline, key numbers.

    ``sources`` lists every article the briefing shows, so each ``[label§paragraph]`` resolves;
    ``excluded`` counts matching articles left out by ``as_of``, ``since`` or ``until``.
    """

    query: str
    lang: Lang
    as_of: datetime | None
    since: datetime | None
    until: datetime | None
    stories: tuple[StoryCard, ...]
    developments: tuple[BriefBullet, ...]
    timeline: tuple[TimelineEntry, ...]
    numbers: tuple[KeyNumber, ...]
    sources: tuple[Report, ...]
    article_count: int
    excluded: int = 0
    generated_at: datetime | None = None

    @property
    def has_conflicts(self) -> bool:
        return any(row.is_conflict for row in self.numbers)
