"""The looser same-event rule: shared entities and shared anchors (dates, numbers) within a time window.

Different outlets rarely share wording, but reports of one event name the same companies and
products and repeat the same day and the same figures (``8月22日``, ``45亿美元`` = ``$4.5 billion``).
An *anchor* is such a value in canonical form, so it compares across languages:

- ``d:2025-08-22``: a date with month and day (the year, when the text omits it, is the year of
  publication, or the year before when that would put the date well after publication);
- ``n:USD:4.5e+09``: a number with its unit, to three significant figures (``n:%:3.5`` for 3.5%),
  when it is specific: written with at least two significant digits, or an amount of money of
  100 million or more; hedged percentages (``涨超4%``) and bare numbers below 1,000 or that look
  like a year never count.

Entities are whatever the caller resolves (entity ids from the knowledge base, or dictionary terms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from suanli.summary.numbers import Quantity, parse_dates, parse_quantities

from .models import StoryConfig
from .multimap import MASK64, SortedMultiMap

_DAY_S = 86400.0
_MONEY = frozenset({"CNY", "USD", "HKD", "EUR", "JPY", "GBP"})
# Only a hedged percentage is left out (see _is_specific), so only those need their hedge looked up.
_HEDGED_UNITS = frozenset({"%", "pp", "bp"})


@dataclass(frozen=True, slots=True)
class EventSignals:
    """The same-event evidence of one article; ``published_ts`` is seconds since the epoch (UTC).

    ``dates`` (the date anchors) is derived from ``anchors``; it is kept because every comparison
    needs it.
    """

    published_ts: float | None
    entities: frozenset[str]
    anchors: frozenset[str]
    dates: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dates", frozenset(a for a in self.anchors if a.startswith("d:")))


@dataclass(frozen=True, slots=True)
class EventMatch:
    """Why two articles report the same event: the entities and anchors they share (sorted)."""

    entities: tuple[str, ...]
    anchors: tuple[str, ...]

    @property
    def score(self) -> int:
        return len(self.entities) + len(self.anchors)

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(f"entity:{e}" for e in self.entities) + self.anchors


def timestamp(when: datetime | None) -> float | None:
    """Seconds since the epoch; a naive datetime is read as UTC."""
    if when is None:
        return None
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()


def extract_anchors(text: str, *, published_at: datetime | None = None) -> frozenset[str]:
    """Canonical dates and numbers of ``text`` (see the module docstring).

    Example:
        >>> sorted(extract_anchors("英伟达8月22日计提45亿美元", published_at=datetime(2025, 8, 23)))
        ['d:2025-08-22', 'n:USD:4.5e+09']
    """
    anchors: set[str] = set()
    dates = parse_dates(text)
    for mention in dates:
        if mention.month is None or mention.day is None:
            continue
        year = mention.year if mention.year is not None else _implied_year(mention.month, published_at)
        if year is None:
            continue
        try:
            anchors.add(f"d:{date(year, mention.month, mention.day).isoformat()}")
        except ValueError:
            continue
    for q in parse_quantities(text, dates=dates, qualify_units=_HEDGED_UNITS):
        if _is_specific(q):
            value = f"{q.value:.3g}" if q.high is None else f"{q.value:.3g}-{q.high:.3g}"
            anchors.add(f"n:{q.unit}:{value}")
    return frozenset(anchors)


def _is_specific(q: Quantity) -> bool:
    """Whether a number is specific enough to tie two reports to one event.

    Market wraps are full of round, hedged moves (``涨超4%``, ``跌逾10%``) that any two wraps share;
    an event's own figures are precise (``28.81亿元``, ``3.5%``) or large amounts of money.
    """
    if q.unit == "" and (q.value < 1000 or (q.value.is_integer() and 1900 <= q.value <= 2099)):
        return False
    if q.unit in _MONEY and q.value >= 1e8:
        return True
    if q.unit in _HEDGED_UNITS and q.qualifier is not None:
        return False
    return _significant_digits(q.number) >= 2


def _significant_digits(number: float) -> int:
    mantissa = f"{abs(number):.6g}".split("e", 1)[0]
    if "." in mantissa:
        return len(mantissa.replace(".", "").lstrip("0"))
    return len(mantissa.strip("0"))


def _implied_year(month: int, published_at: datetime | None) -> int | None:
    if published_at is None:
        return None
    year = published_at.year
    # "12月30日" in a story of 2 January is last year's date; allow a month of look-ahead.
    if date(year, month, 1) > published_at.date() + timedelta(days=31):
        year -= 1
    return year


def anchors_conflict(a: frozenset[str], b: frozenset[str], prefix: str = "") -> bool:
    """True when both sets hold anchors starting with ``prefix`` and share none of them."""
    mine = {x for x in a if x.startswith(prefix)}
    theirs = {x for x in b if x.startswith(prefix)}
    return bool(mine) and bool(theirs) and not mine & theirs


def match_event(a: EventSignals, b: EventSignals, config: StoryConfig) -> EventMatch | None:
    """The shared evidence when ``a`` and ``b`` report the same event under ``config``, else None."""
    if a.published_ts is None or b.published_ts is None:
        return None
    if abs(a.published_ts - b.published_ts) > config.event_window_days * _DAY_S:
        return None
    anchors = a.anchors & b.anchors
    if len(anchors) < config.min_shared_anchors:
        return None
    if config.conflict_guard and a.dates and b.dates and not a.dates & b.dates:
        return None
    entities = a.entities & b.entities
    if len(entities) < config.min_shared_entities or len(entities) + len(anchors) < config.min_evidence:
        return None
    if len(entities) < config.date_only_min_entities and anchors <= a.dates:
        return None
    union = len(a.entities | b.entities)
    if union and len(entities) / union < config.min_entity_overlap:
        return None
    return EventMatch(tuple(sorted(entities)), tuple(sorted(anchors)))


class EventIndex:
    """Articles' event signals, indexed by key and day so a look-up only visits the time window.

    A match needs a shared anchor and (when ``min_shared_entities`` is 1 or more) a shared entity,
    so the keys are (anchor, entity) pairs: an article's own date is an anchor of nearly every
    report of its day, but that date with a given company is rare.
    """

    def __init__(self, config: StoryConfig) -> None:
        self.config = config
        self._signals: dict[str, EventSignals] = {}
        # keys hashed to 64 bits -> article rows; a collision only adds a candidate, which
        # match_event then rejects. Keys hold a date or a specific figure with an entity, so they
        # recur within days, and rows outside the time window are dropped before matching.
        self._by_key = SortedMultiMap()
        self._ids: list[str] = []
        self._times: list[float] = []
        self._min_hits = min_key_hits(config)

    def __len__(self) -> int:
        return len(self._signals)

    def add(self, article_id: str, signals: EventSignals, slots: Sequence[int] | None = None) -> None:
        """Index an article; one without a date or without anchors can never match, so it is skipped.

        ``slots`` are :meth:`slots` of ``signals``, when worked out already for :meth:`best_match`.
        """
        if signals.published_ts is None or not signals.anchors or article_id in self._signals:
            return
        self._signals[article_id] = signals
        self._by_key.add(len(self._ids), self.slots(signals) if slots is None else slots)
        self._ids.append(article_id)
        self._times.append(signals.published_ts)

    def remove(self, article_id: str) -> None:
        """Forget an article (its keys stay behind and are skipped by look-ups)."""
        self._signals.pop(article_id, None)

    def best_match(
        self, signals: EventSignals, slots: Sequence[int] | None = None
    ) -> tuple[str, EventMatch] | None:
        """The indexed article that shares the most evidence with ``signals`` (closest in time on a tie)."""
        if signals.published_ts is None or len(signals.anchors) < self.config.min_shared_anchors:
            return None
        best: tuple[tuple[int, float, str], str, EventMatch] | None = None
        found = self._candidates(signals.published_ts, self.slots(signals) if slots is None else slots)
        for article_id in found:
            other = self._signals.get(article_id)
            if other is None:
                continue
            match = match_event(signals, other, self.config)
            if match is None:
                continue
            gap = abs(signals.published_ts - (other.published_ts or 0.0))
            rank = (-match.score, gap, article_id)
            if best is None or rank < best[0]:
                best = (rank, article_id, match)
        return (best[1], best[2]) if best is not None else None

    def slots(self, signals: EventSignals) -> list[int]:
        """The 64-bit look-up keys of ``signals``: its (anchor, entity) pairs, or its anchors alone."""
        if self.config.min_shared_entities < 1:
            return [_slot(anchor) for anchor in signals.anchors]
        return [_slot(f"{anchor}\x1f{entity}") for anchor in signals.anchors for entity in signals.entities]

    def _candidates(self, ts: float, slots: Sequence[int]) -> set[str]:
        window = self.config.event_window_days * _DAY_S
        if not slots:
            return set()
        times, ids, need = self._times, self._ids, self._min_hits
        hits = self._by_key.row_hits(slots)
        return {ids[row] for row, n in hits.items() if n >= need and abs(times[row] - ts) <= window}


def min_key_hits(config: StoryConfig) -> int:
    """How many look-up keys an indexed article must share with a new one to be worth matching.

    Keys are (anchor, entity) pairs, so two articles sharing ``e`` entities and ``a`` anchors share
    ``e * a`` keys (more only when two keys' hashes collide). :func:`match_event` wants
    ``e >= min_shared_entities``, ``a >= min_shared_anchors`` and ``e + a >= min_evidence``, so
    fewer shared keys than the least such product can never match: with the defaults (1, 1, 3)
    that is 2, and an article sharing one date and one company is not compared at all.
    """
    if config.min_shared_entities < 1:
        return 1  # keys are anchors alone
    e0, a0 = config.min_shared_entities, max(config.min_shared_anchors, 1)
    return min(e0 * max(a0, config.min_evidence - e0), max(e0, config.min_evidence - a0) * a0)


def _slot(key: str) -> int:
    return hash(key) & MASK64
