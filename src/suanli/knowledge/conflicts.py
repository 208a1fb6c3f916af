"""Conflicting facts: the same metric of the same subject and period, with values that cannot both hold.

Each fact stands for an interval of values its words allow: an exact ``5000亿元`` allows 1% either
way (rounding), ``约``/``近`` 10%, ``超过`` anything above, ``不到`` anything below, a range its
ends. Two facts conflict when their intervals are disjoint. Only facts from different articles,
with a resolved subject and a stated period, are compared; forecasts (``预计``, ``或``) and vague
amounts are left out, since differing estimates are no contradiction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import combinations

from .models import Conflict, Fact

_EXACT_SLACK = 0.01
_APPROX_SLACK = 0.10


def find_conflicts(facts: Iterable[Fact]) -> list[Conflict]:
    """Pairs of facts from different articles that disagree, grouped by subject, metric and period.

    Example:
        >>> [c.subject_id for c in find_conflicts([cap_5000_from_a, cap_4000_from_b])]
        ['cambricon']
    """
    groups: dict[tuple[str, str, str | None, str | None, str], list[Fact]] = {}
    for fact in facts:
        if fact.subject_id is None or fact.period is None or fact.is_vague:
            continue
        if "expected" in fact.qualifiers or "possibly" in fact.qualifiers:
            continue
        key = (fact.subject_id, fact.metric, fact.aspect, fact.unit, fact.period.label)
        groups.setdefault(key, []).append(fact)
    conflicts = []
    for (subject_id, _, aspect, _, _), members in sorted(
        groups.items(), key=lambda kv: tuple(map(str, kv[0]))
    ):
        for a, b in combinations(members, 2):
            if a.article_id == b.article_id or a.period is None:
                continue
            if _disjoint(interval(a), interval(b)):
                conflicts.append(Conflict(subject_id, a.metric, aspect, a.period, (a, b)))
    return conflicts


def interval(fact: Fact) -> tuple[float, float]:
    """The values a fact's words allow, as a closed interval."""
    if fact.value_low is not None and fact.value_high is not None:
        low, high = fact.value_low, fact.value_high
        return low - abs(low) * _EXACT_SLACK, high + abs(high) * _EXACT_SLACK
    value = fact.value if fact.value is not None else math.nan
    slack = _APPROX_SLACK if {"approx", "near"} & set(fact.qualifiers) else _EXACT_SLACK
    low, high = value - abs(value) * slack, value + abs(value) * slack
    if {"over", "at_least"} & set(fact.qualifiers):
        high = math.inf
    if "under" in fact.qualifiers:
        low = -math.inf
    if "near" in fact.qualifiers:
        high = value + abs(value) * _EXACT_SLACK  # 接近5000亿: close to, and not above
    return low, high


def _disjoint(a: tuple[float, float], b: tuple[float, float]) -> bool:
    if any(math.isnan(x) for x in a + b):
        return False
    return a[1] < b[0] or b[1] < a[0]
