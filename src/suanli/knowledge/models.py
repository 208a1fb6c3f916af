"""Frozen records of the AI-compute knowledge layer: entities, mentions, periods, facts, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, get_args

EntityType = Literal[
    "company",
    "chip",
    "architecture",
    "system",
    "software",
    "model",
    "number_format",
    "index",
    "exchange",
    "board",
    "regulator",
    "law",
    "category",
]
ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)
MentionMethod = Literal["alias", "pattern"]
Granularity = Literal["day", "month", "quarter", "half", "year", "range"]
Metric = Literal[
    "price_change",
    "price",
    "index_level",
    "market_cap",
    "turnover",
    "revenue",
    "profit",
    "loss",
    "growth_rate",
    "market_share",
    "market_size",
    "shipments",
    "spec",
    "fee_rate",
    "fine",
    "valuation",
    "funding",
    "investment",
    "deal_value",
    "compute_capacity",
]
METRICS: tuple[Metric, ...] = get_args(Metric)
Qualifier = Literal[
    "approx", "over", "near", "as_high_as", "at_least", "under", "expected", "possibly", "only"
]
QUALIFIERS: tuple[Qualifier, ...] = get_args(Qualifier)
Basis = Literal["yoy", "qoq", "cagr"]
EventType = Literal[
    "export_control",
    "product_launch",
    "production_halt",
    "listing",
    "earnings",
    "price_move",
    "regulatory_probe",
    "deal",
    "financing",
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)


@dataclass(frozen=True, slots=True)
class Listing:
    """Where a company's shares trade: ``code`` as quoted (``688256.SH``, ``NVDA``, ``0700.HK``)."""

    code: str
    exchange: str


@dataclass(frozen=True, slots=True)
class Spec:
    """One public specification value of a chip or system, with a short note of its public source."""

    name: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing of the AI compute market.

    ``vendor`` and ``parent`` hold entity ids (a chip's maker, a subsidiary's parent company).
    ``context`` words favour this entity when one of its aliases is shared with another entity;
    ``weak_aliases`` are common words that only count when the same text names the entity otherwise
    or one of its context words appears in the same paragraph.
    """

    entity_id: str
    type: EntityType
    name_zh: str = ""
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()
    vendor: str | None = None
    parent: str | None = None
    country: str | None = None
    specs: tuple[Spec, ...] = ()
    context: tuple[str, ...] = ()
    note: str = ""
    origin: str = "builtin"

    @property
    def name(self) -> str:
        return self.name_zh or self.name_en

    def spec(self, name: str) -> Spec | None:
        for spec in self.specs:
            if spec.name == name:
                return spec
        return None


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text; ``start``/``end`` index the text as given.

    ``entity_id`` is None when the name is shared by several entities and the context does not
    decide (``candidates`` lists them), or when the name was found by a pattern (``method ==
    "pattern"``, e.g. a company name followed by a stock code) and is not in the knowledge base.
    """

    text: str
    start: int
    end: int
    entity_id: str | None
    entity_type: EntityType | None
    candidates: tuple[str, ...] = ()
    method: MentionMethod = "alias"
    paragraph_number: int | None = None

    @property
    def is_resolved(self) -> bool:
        return self.entity_id is not None


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar span a date expression points to; ``start == end`` for a single day.

    ``is_open`` marks spans that run up to the publish date (``6月至今``, ``今年以来``).
    """

    start: date
    end: date
    granularity: Granularity
    is_open: bool = False

    @property
    def label(self) -> str:
        """Canonical text: ``2025-08-22``, ``2025-04``, ``2025-Q1``, ``2025-H1``, ``2025``, ``2023/2028``."""
        s, e = self.start, self.end
        if self.granularity == "day":
            return s.isoformat()
        if self.granularity == "month":
            return f"{s.year:04d}-{s.month:02d}"
        if self.granularity == "quarter":
            return f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}"
        if self.granularity == "half":
            return f"{s.year:04d}-H{1 if s.month <= 6 else 2}"
        if self.granularity == "year":
            return f"{s.year:04d}"
        if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
            return f"{s.year:04d}/{e.year:04d}"
        if s.day == 1 and (e + timedelta(days=1)).day == 1 and not self.is_open:
            return f"{s.year:04d}-{s.month:02d}/{e.year:04d}-{e.month:02d}"
        return f"{s.isoformat()}/{e.isoformat()}"

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a text, anchored to the publish date.

    ``is_local_time`` is True when the text says the date is local to the place of the event
    (``当地时间8月21日``), which can be a day before the date in Beijing.
    """

    text: str
    start: int
    end: int
    period: Period
    is_local_time: bool = False


@dataclass(frozen=True, slots=True)
class Fact:
    """One typed numeric statement of a paragraph.

    ``value`` is the number times its scale (``5000亿元`` -> 5e11 with ``unit="CNY"``,
    ``scale="亿"``); a range keeps ``value_low``/``value_high`` and ``value=None``; a vague amount
    (``数亿``) has ``is_vague=True`` and no numbers at all. Units follow
    :mod:`suanli.summary.numbers` (``%``, ``pp``, ``倍``, ``CNY``, ``USD``, ``B``, ``B/s``, ``FLOPS``,
    ``W``) plus ``CNY/share``-style prices per unit, ``units`` for counts and ``points`` for index
    levels. ``span`` is exactly ``paragraph.text[span_start:span_end]`` and contains ``value_text``.
    """

    article_id: str
    paragraph_number: int
    subject_id: str | None
    subject_text: str
    metric: Metric
    value: float | None
    unit: str | None
    span: str
    span_start: int
    span_end: int
    value_text: str
    value_low: float | None = None
    value_high: float | None = None
    currency: str | None = None
    scale: str | None = None
    is_vague: bool = False
    qualifiers: tuple[Qualifier, ...] = ()
    period: Period | None = None
    is_local_time: bool = False
    aspect: str | None = None
    basis: Basis | None = None

    @property
    def is_range(self) -> bool:
        return self.value_low is not None and self.value_high is not None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where an event is reported: an article, its paragraph and the sentence quoted from it."""

    article_id: str
    paragraph_number: int
    quote: str
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A dated happening of the market; the same event from several articles has several evidence.

    ``subject_ids`` are the entities the event is about (companies, chips, models, indices);
    ``entity_ids`` also hold the others named with it (regulators, laws, categories).
    ``period`` is None when no text states the date; each evidence keeps its publish date.
    """

    event_id: str
    event_type: EventType
    period: Period | None
    subject_ids: tuple[str, ...]
    entity_ids: tuple[str, ...]
    summary: str
    evidence: tuple[Evidence, ...]
    is_local_time: bool = False


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two facts of the same subject, metric, aspect and period whose values cannot both hold."""

    subject_id: str
    metric: Metric
    aspect: str | None
    period: Period
    facts: tuple[Fact, Fact]


@dataclass(frozen=True, slots=True)
class ArticleKnowledge:
    """What one article says in knowledge terms: its entity mentions, numeric facts and events."""

    mentions: tuple[Mention, ...] = ()
    facts: tuple[Fact, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def entity_ids(self) -> tuple[str, ...]:
        """Resolved entities the article names, sorted."""
        return tuple(sorted({m.entity_id for m in self.mentions if m.entity_id}))

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(sorted({e.event_type for e in self.events}))
