"""Typed events of an article (export-control step, launch, halt, listing, earnings, price move,
probe, deal, financing), each dated where the text dates it and tied to its paragraph.

An event is a sentence with a cue word of its type and an entity of a type the event needs (a
launch needs a product, a listing a company). Price moves also come from the article's facts
(large changes of a stock or an index), earnings from revenue and profit facts. The same event
named several times, in one article or across articles, is merged into one with several pieces
of evidence by :func:`merge_events`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo

from suanli.models import Article
from suanli.summary.numbers import fold_width

from .context import clause, sentences
from .dates import find_dates, local_date
from .kb import KnowledgeBase
from .mentions import find_article_mentions
from .models import DateMention, EntityType, Event, EventType, Evidence, Fact, Mention, Period

_SUBJECT_TYPES: tuple[EntityType, ...] = (
    "company",
    "chip",
    "system",
    "model",
    "index",
    "architecture",
    "software",
)
_RULES: tuple[tuple[EventType, re.Pattern[str], tuple[EntityType, ...]], ...] = (
    (
        "export_control",
        re.compile(
            r"出口管制|出口许可|许可证|禁售|禁令|禁止.{0,12}(?:销售|出口|出售)|实体清单|断供"
            r"|export (?:control|curb|licen[cs]e|ban|restriction)s?|entity list"
            r"|licen[cs]es? to (?:sell|ship)",
            re.I,
        ),
        ("chip", "company", "system"),
    ),
    (
        "production_halt",
        re.compile(
            r"停产|暂停.{0,12}(?:生产|工作)|停止.{0,6}生产"
            r"|halt(?:ed|s)? (?:production|work)|suspend(?:ed|s)? production",
            re.I,
        ),
        ("chip", "company", "system"),
    ),
    (
        "product_launch",
        re.compile(
            r"发布(?!公告|会|了?.{0,4}(?:业绩|财报|报告|预告|数据))|推出|亮相|首发|launch(?:ed|es)?|unveil(?:ed|s)?|releas(?:ed|es)",
            re.I,
        ),
        ("chip", "model", "system", "software", "architecture"),
    ),
    (
        "listing",
        re.compile(
            r"IPO|(?<![新产品已])上市(?!公司|辅导期|的)|招股书|招股说明书|辅导验收|过会|注册生效"
            r"|登陆(?:科创板|创业板|港股|A股|纳斯达克)|挂牌|went public|listing|debut",
            re.I,
        ),
        ("company",),
    ),
    (
        "earnings",
        re.compile(
            r"财报|业绩预告|业绩快报|季报|年报|半年报|半年度报告|年度报告|业绩|earnings|quarterly results",
            re.I,
        ),
        ("company",),
    ),
    (
        "regulatory_probe",
        re.compile(
            r"约谈|立案调查|调查|反垄断|问询函|处罚|罚款|probe|investigat(?:e|ion|ing)|antitrust|fined", re.I
        ),
        ("company", "chip"),
    ),
    (
        "deal",
        re.compile(
            r"采购|中标|大单|签订.{0,8}(?:合同|协议)|签约|收购|并购|合作协议|deal|contract|acquir(?:e|ed|es|ing)",
            re.I,
        ),
        ("company",),
    ),
    (
        "financing",
        re.compile(
            r"融资|募资|募集资金|增资|入股|持股|定增|战略投资"
            r"|raised|funding round|invest(?:ed|ment) in|stake in",
            re.I,
        ),
        ("company",),
    ),
)
_PRICE_MOVE_WORDS = re.compile(r"涨停|跌停|limit[- ]up|limit[- ]down")
_BIG_MOVE = {"company": 5.0, "index": 2.0}


def detect_events(
    article: Article,
    kb: KnowledgeBase,
    facts: Sequence[Fact] = (),
    *,
    published_at: datetime | None = None,
    tz: tzinfo | None = None,
    mentions: Sequence[Mention] | None = None,
) -> list[Event]:
    """Events of ``article``, merged within the article (one event, several paragraphs).

    Pass the article's ``facts`` (from :func:`extract_facts`) to add price moves and earnings.

    Example:
        >>> [e.event_type for e in detect_events(article, kb)]  # "8月22日，英伟达暂停H20生产。"
        ['production_halt']
    """
    when = published_at or article.published_at
    anchor = local_date(when, tz) if when is not None else None
    found = list(mentions) if mentions is not None else find_article_mentions(article, kb)
    events: list[Event] = []
    for block in article.paragraphs:
        if block.number is None:
            continue
        own = [m for m in found if m.paragraph_number == block.number and m.entity_id is not None]
        dates = find_dates(block.text, anchor)
        folded = fold_width(block.text)
        for s_start, s_end in sentences(folded):
            sentence = [m for m in own if s_start <= m.start < s_end]
            if not sentence:
                continue
            quote = block.text[s_start:s_end].strip()
            date = _sentence_date(dates, s_start, s_end)
            for event_type, pattern, needs in _rules_for(folded[s_start:s_end]):
                cue = pattern.search(folded, s_start, s_end)
                assert cue is not None
                subjects = _subjects(folded, sentence, needs, (s_start, s_end), cue.start())
                if not subjects:
                    continue
                others = tuple(
                    dict.fromkeys(str(m.entity_id) for m in sentence if m.entity_type not in needs)
                )
                evidence = Evidence(article.article_id, block.number, quote[:300], when)
                events.append(_event(event_type, date, subjects, subjects + others, quote, evidence))
    events.extend(_from_facts(article, facts, found, when))
    return merge_events(events)


def merge_events(events: Iterable[Event]) -> list[Event]:
    """One event per happening: same type, a shared subject and compatible dates.

    Dates are compatible when they overlap, allowing one day either way (a US "local time" date
    is often the day before the Beijing date). Undated events merge only with events of the same
    article. The result is ordered by date (undated last), then type.

    Example:
        >>> len(merge_events([halt_from_article_a, halt_from_article_b]))
        1
    """
    merged: list[Event] = []
    for event in sorted(events, key=_order):
        for i, kept in enumerate(merged):
            if _same(kept, event):
                merged[i] = _combine(kept, event)
                break
        else:
            merged.append(event)
    return sorted(merged, key=_order)


def _rules_for(sentence: str) -> list[tuple[EventType, re.Pattern[str], tuple[EntityType, ...]]]:
    rules = [rule for rule in _RULES if rule[1].search(sentence)]
    if _PRICE_MOVE_WORDS.search(sentence):
        rules.append(("price_move", _PRICE_MOVE_WORDS, ("company", "index")))
    return rules


def _subjects(
    folded: str, sentence: Sequence[Mention], needs: tuple[EntityType, ...], bounds: tuple[int, int], at: int
) -> tuple[str, ...]:
    """Entities the event is about: those of the cue's clause, else those before the cue."""
    c_start, c_end = clause(folded, bounds[0], bounds[1], at)
    fitting = [m for m in sentence if m.entity_type in needs]
    for group in (
        [m for m in fitting if c_start <= m.start < c_end],
        [m for m in fitting if m.start < at],
        fitting,
    ):
        if group:
            return tuple(dict.fromkeys(str(m.entity_id) for m in group))
    return ()


def _sentence_date(dates: Sequence[DateMention], start: int, end: int) -> DateMention | None:
    inside = [d for d in dates if start <= d.start < end and d.period.granularity in ("day", "month")]
    if inside:
        return inside[0]
    before = [d for d in dates if d.end <= start and d.period.granularity == "day"]
    return before[-1] if before else None


def _from_facts(
    article: Article, facts: Sequence[Fact], mentions: Sequence[Mention], when: datetime | None
) -> list[Event]:
    """Large price moves and reported earnings, from the facts of the article."""
    types = {m.entity_id: m.entity_type for m in mentions if m.entity_id}
    out = []
    for fact in facts:
        if fact.subject_id is None:
            continue
        kind = types.get(fact.subject_id)
        evidence = Evidence(article.article_id, fact.paragraph_number, fact.span[:300], when)
        subjects = (fact.subject_id,)
        if fact.metric == "price_change" and kind in _BIG_MOVE and fact.value is not None:
            if abs(fact.value) >= _BIG_MOVE[kind] and fact.aspect != "cumulative":
                date = DateMention("", 0, 0, fact.period, fact.is_local_time) if fact.period else None
                out.append(_event("price_move", date, subjects, subjects, fact.span, evidence))
        elif fact.metric in ("revenue", "profit") and kind == "company" and "expected" not in fact.qualifiers:
            out.append(_event("earnings", None, subjects, subjects, fact.span, evidence))
    return out


def _event(
    event_type: EventType,
    date: DateMention | None,
    subjects: tuple[str, ...],
    entities: tuple[str, ...],
    summary: str,
    evidence: Evidence,
) -> Event:
    period = date.period if date else None
    local = date.is_local_time if date else False
    return Event(
        _event_id(event_type, subjects, period),
        event_type,
        period,
        subjects,
        entities,
        summary[:200],
        (evidence,),
        local,
    )


def _event_id(event_type: str, subjects: Iterable[str], period: Period | None) -> str:
    key = "|".join([event_type, ",".join(sorted(subjects)), period.label if period else ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _order(event: Event) -> tuple[int, str, str, str]:
    label = event.period.start.isoformat() if event.period else "9999"
    return (0 if event.period else 1, label, event.event_type, event.event_id)


def _same(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type or not set(a.subject_ids) & set(b.subject_ids):
        return False
    if a.period is None or b.period is None:
        articles_a = {e.article_id for e in a.evidence}
        return bool(articles_a & {e.article_id for e in b.evidence})
    slack = timedelta(days=1)
    return a.period.start - slack <= b.period.end and b.period.start - slack <= a.period.end


def _combine(a: Event, b: Event) -> Event:
    period, local = a.period, a.is_local_time
    if period is None or (b.period is not None and _span(b.period) < _span(period)):
        period, local = b.period, b.is_local_time
    subjects = tuple(dict.fromkeys(a.subject_ids + b.subject_ids))
    entities = tuple(dict.fromkeys(a.entity_ids + b.entity_ids))
    seen = {(e.article_id, e.paragraph_number) for e in a.evidence}
    evidence = a.evidence + tuple(e for e in b.evidence if (e.article_id, e.paragraph_number) not in seen)
    return Event(
        _event_id(a.event_type, subjects, period),
        a.event_type,
        period,
        subjects,
        entities,
        a.summary,
        evidence,
        local,
    )


def _span(period: Period) -> int:
    return (period.end - period.start).days
