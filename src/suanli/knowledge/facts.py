"""Typed numeric facts of an article, one paragraph at a time, each with its exact quoted span.

For every amount in a body paragraph: 1. the metric, from the cue words of its clause (or its
unit); 2. the subject and 3. the date, chosen by :mod:`suanli.knowledge.context`; 4. the
qualifiers and, for changes, the sign. Amounts without a metric are not facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from suanli.models import Article
from suanli.summary.numbers import fold_width

from .context import Subject, choose_date, choose_subject, clause, sentences
from .dates import find_dates, local_date
from .kb import KnowledgeBase
from .mentions import find_article_mentions
from .metrics import Cue, change_sign, find_cue, growth_basis, growth_object, qualifiers_of
from .models import DateMention, Fact, Mention
from .quantities import Amount, find_amounts

_MASK = re.compile(
    r"\[\d+\]|(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)|[（(]\s*\d{1,2}\s*[)）]"
    r"|[（(]\s*\d{6}(?:\s*\.\s*[A-Za-z]{2})?\s*[)）]|第\s*\d+\s*[笔次届期代批轮]"
)
_NOT_A_MEASURE = re.compile(
    r"\s*(?:个交易日|个月|个季度|个|天|周|小时|分钟|年|名|位|人|家|只|款|项|条|笔|次|届|号|期|代|层|级|岁|nm|纳米)"
)
_COMPANY_METRICS = ("revenue", "profit", "loss", "fine", "valuation", "funding", "investment", "market_cap")
_DAY_HINT = re.compile(r"日|号|周|星期|[A-Za-z]{3}")
_SENTENCE_CUES = ("funding", "investment", "deal_value", "valuation", "fine", "revenue")
_DAY_METRICS = ("price_change", "price", "index_level", "market_cap", "turnover")
_ASPECT_PRICE = (
    ("intraday_high", re.compile(r"盘中最高|最高|盘中冲高|intraday high")),
    ("close", re.compile(r"收于|收盘|收报|报收|收涨|收跌|closed")),
    ("offer", re.compile(r"发行价|IPO price|offer price")),
    ("open", re.compile(r"开盘|opened")),
    ("low", re.compile(r"最低")),
)


@dataclass(slots=True)
class _Carry:
    """What one paragraph hands to the next: the last day it named and the last company."""

    day: DateMention | None = None
    company: Mention | None = None


def extract_facts(
    article: Article,
    kb: KnowledgeBase,
    *,
    published_at: datetime | None = None,
    tz: tzinfo | None = None,
    mentions: Sequence[Mention] | None = None,
) -> list[Fact]:
    """Facts of every body paragraph of ``article``, in paragraph and text order.

    Dates without a year are anchored to ``published_at`` (default: the article's) in ``tz``
    (default Asia/Shanghai); without a publish date only dates that state their year are used.
    Pass ``mentions`` from :func:`find_article_mentions` to avoid finding them twice.

    Example:
        >>> fact = extract_facts(article, kb)[0]   # paragraph "8月22日，寒武纪上涨20%"
        >>> (fact.subject_id, fact.metric, fact.value, fact.unit, fact.period.label)
        ('cambricon', 'price_change', 20.0, '%', '2025-08-22')
    """
    when = published_at or article.published_at
    anchor = local_date(when, tz) if when is not None else None
    found = list(mentions) if mentions is not None else find_article_mentions(article, kb)
    facts: list[Fact] = []
    carry = _Carry()
    for block in article.paragraphs:
        if block.number is None:
            continue
        own = [m for m in found if m.paragraph_number == block.number]
        facts.extend(
            paragraph_facts(
                block.text,
                own,
                anchor,
                article_id=article.article_id,
                number=block.number,
                carry=carry,
                kb=kb,
            )
        )
    return facts


def paragraph_facts(
    text: str,
    mentions: Sequence[Mention],
    anchor: date | None,
    *,
    article_id: str = "",
    number: int = 1,
    carry: _Carry | None = None,
    kb: KnowledgeBase | None = None,
) -> list[Fact]:
    """Facts of one paragraph given its mentions; unstable internal API, used by tests and benches.

    ``carry`` is read for the day and company named before this paragraph, and updated.
    """
    carry = carry if carry is not None else _Carry()
    folded = fold_width(text)
    skip = [(m.start, m.end) for m in mentions] + [m.span() for m in _MASK.finditer(folded)]
    companies = [m for m in mentions if m.entity_type == "company"]
    # 1. Metrics first: most numbers state none, and then no dates are needed but the last day.
    stated = _stated(folded, find_amounts(text, skip))
    if stated:
        dates = find_dates(text, anchor)
        stated = [x for x in stated if not any(d.start < x[0].end and x[0].start < d.end for d in dates)]
    else:
        dates = find_dates(text, anchor, days_only=True) if _DAY_HINT.search(folded) else []
    facts: list[Fact] = []
    previous: dict[int, Subject] = {}
    for amount, cue, (s_start, s_end, c_start, c_end) in stated:
        # 2. Subject: the company named last before the number stands in for a pronoun.
        before_me = [m for m in companies if m.end <= amount.start]
        prior = before_me[-1] if before_me else carry.company
        subject = choose_subject(
            cue.metric,
            text,
            folded,
            mentions,
            (s_start, c_start, cue.start, amount.start),
            previous=previous.get(s_start),
            prior_company=prior,
        )
        if subject.entity_id is None and kb is not None and cue.metric in _COMPANY_METRICS:
            subject = _vendor(kb, mentions, c_start, amount.start) or subject
        previous[s_start] = subject
        # 3. Date; specifications are timeless.
        when = None
        if cue.metric != "spec":
            when = choose_date(
                dates,
                folded,
                (s_start, s_end),
                (c_start, c_end),
                amount.start,
                carry=carry.day,
                day_metric=cue.metric in _DAY_METRICS,
            )
        fact = _fact(text, folded, amount, cue, subject, when, (s_start, c_start, c_end), article_id, number)
        if fact.aspect == "offer" and fact.period is not None and not dates:
            # An offer price is no trading day's price.
            fact = replace(fact, period=None, is_local_time=False)
        if "expected" in fact.qualifiers and fact.period and fact.period.granularity == "day" and anchor:
            # A forecast's period lies ahead; a past day in its sentence dates the forecast itself.
            if fact.period.end <= anchor:
                fact = replace(fact, period=None, is_local_time=False)
        facts.append(fact)
    # 4. Hand the last day and company on to the next paragraph.
    days = [d for d in dates if d.period.granularity == "day"]
    carry.day = days[-1] if days else (carry.day if not dates else None)
    if companies:
        carry.company = companies[-1]
    return facts


def _stated(folded: str, amounts: Sequence[Amount]) -> list[tuple[Amount, Cue, tuple[int, int, int, int]]]:
    """The amounts that state a metric, with their cue and (sentence, clause) bounds."""
    out = []
    bounds = sentences(folded) if amounts else []
    previous: dict[int, tuple[Cue, str | None]] = {}
    for amount in amounts:
        if amount.value is not None and amount.unit is None and _NOT_A_MEASURE.match(folded, amount.end):
            continue
        s_start, s_end = next(((s, e) for s, e in bounds if s <= amount.start < e), (0, len(folded)))
        c_start, c_end = clause(folded, s_start, s_end, amount.start)
        cue = _cue(folded, amount, (s_start, c_start, c_end), previous.get(s_start))
        if cue is not None:
            previous[s_start] = (cue, amount.unit)
            out.append((amount, cue, (s_start, s_end, c_start, c_end)))
    return out


def _vendor(kb: KnowledgeBase, mentions: Sequence[Mention], start: int, end: int) -> Subject | None:
    """The maker of a product named in the clause stands in for a company (``H20禁售导致…损失``)."""
    for m in mentions:
        entity = kb.get(m.entity_id)
        if start <= m.start < end and entity is not None and entity.vendor:
            vendor = kb.get(entity.vendor)
            if vendor is not None and vendor.type == "company":
                return Subject(vendor.name, vendor.entity_id, None)
    return None


def _cue(
    folded: str, amount: Amount, span: tuple[int, int, int], last: tuple[Cue, str | None] | None
) -> Cue | None:
    """The metric cue of an amount, in paragraph offsets, or None when it states no metric."""
    s_start, c_start, c_end = span
    before = folded[c_start : amount.start]
    cue = find_cue(before, amount.unit, folded[amount.end : c_end], is_vague=amount.is_vague)
    if cue is not None:
        if (
            amount.unit is None
            and amount.scale is None
            and not amount.is_vague
            and cue.metric not in ("price", "index_level")
        ):
            return None  # A bare number needs a unit or a scale to be a fact, except an index level.
        return Cue(cue.metric, c_start + cue.start, c_start + cue.end)
    # A clause without a cue word repeats the metric of the previous clause when the units agree
    # (寒武纪涨幅超过100%，海光信息接近40%), or takes a money cue of the sentence (融资，金额近15亿元).
    if last is not None and last[1] == amount.unit and not amount.is_vague and amount.start - c_start <= 14:
        return Cue(last[0].metric, amount.start, amount.start)
    if (last is None or last[1] != amount.unit) and amount.currency is not None and c_start > s_start:
        earlier = find_cue(folded[s_start:c_start], amount.unit, "")
        if earlier is not None and earlier.metric in _SENTENCE_CUES:
            return Cue(earlier.metric, s_start + earlier.start, s_start + earlier.end)
    return None


def _fact(
    text: str,
    folded: str,
    amount: Amount,
    cue: Cue,
    subject: Subject,
    when: DateMention | None,
    span: tuple[int, int, int],
    article_id: str,
    number: int,
) -> Fact:
    s_start, c_start, c_end = span
    metric = cue.metric
    before = folded[c_start : amount.start]
    value, low, high = amount.value, amount.low, amount.high
    negative = metric in ("price_change", "growth_rate") and change_sign(before) < 0
    negative |= metric == "profit" and bool(re.search(r"亏损|净亏|loss", before[-8:], re.I))
    if negative:
        value, low, high = _neg(value), _neg(high), _neg(low)
    # The quote runs from the first of subject, cue and clause start to the end of the clause.
    start = min(c_start, cue.start)
    if subject.start is not None and subject.start >= s_start:
        start = min(start, subject.start)
    start, end = _trim(folded, start, c_end)
    return Fact(
        article_id=article_id,
        paragraph_number=number,
        subject_id=subject.entity_id,
        subject_text=subject.text,
        metric=metric,
        value=value,
        unit=amount.unit,
        span=text[start:end],
        span_start=start,
        span_end=end,
        value_text=amount.text,
        value_low=low,
        value_high=high,
        currency=amount.currency,
        scale=amount.scale,
        is_vague=amount.is_vague,
        qualifiers=qualifiers_of(
            before[-8:], folded[amount.end : amount.end + 4], folded[s_start : amount.start]
        ),
        period=when.period if when else None,
        is_local_time=when.is_local_time if when else False,
        aspect="cumulative"
        if metric == "price_change" and when and when.period.is_open
        else _aspect(metric, folded, s_start, c_start, amount),
        basis=growth_basis(folded[c_start:c_end]) if metric == "growth_rate" else None,
    )


def _aspect(metric: str, folded: str, s_start: int, c_start: int, amount: Amount) -> str | None:
    before = folded[c_start : amount.start]
    if metric in ("price", "price_change"):
        for name, pattern in _ASPECT_PRICE:
            if pattern.search(before):
                return "intraday" if metric == "price_change" and name == "intraday_high" else name
        if metric == "price_change" and re.search(r"累计|以来|至今", before):
            return "cumulative"
        return None
    if metric == "growth_rate":
        return growth_object(folded[s_start : amount.start])
    if metric == "spec":
        aspects = {"B": "memory", "B/s": "memory_bandwidth", "W": "power", "%": "relative_performance"}
        if amount.unit == "FLOPS":
            fmt = re.search(r"FP8|FP16|BF16|FP4|INT8|FP32", before, re.I)
            return f"compute_{fmt.group().lower()}" if fmt else "compute"
        return aspects.get(amount.unit or "", "relative_performance" if amount.unit == "倍" else None)
    return None


def _trim(folded: str, start: int, end: int) -> tuple[int, int]:
    while start < end and folded[start] in ' \t\r\n，,、“”"':
        start += 1
    while end > start and folded[end - 1] in " \t\r\n，,、：:":
        end -= 1
    return start, end


def _neg(value: float | None) -> float | None:
    return None if value is None else -value
