"""Where a number sits: its sentence and clause, the entity it is about and the date it refers to.

Unstable internal API of :mod:`suanli.knowledge.facts`; offsets index the width-folded paragraph,
which has the same offsets as the paragraph itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from .metrics import compatible_types
from .models import DateMention, Mention, Metric, Period

_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?=\s+[A-Z\"“(]|\s*$)|(?:\[\d+\])+|\s-\s")
_CLAUSE_END = re.compile(r"[，：:（）()]|,(?!\d{3})|(?<=[^\d]),")
_COMPARISON_BEFORE = re.compile(
    r"(?:相当于是|相当于|相比|对比|比|较|对标|仅为|为|是|超过|超越|低于|高于|不及|接近|of|than)\s*$"
)
_LEADING = re.compile(
    r"^(?:[\s“”\"'‘’、]|其中|同时|此外|另外|以及|并且|而且|而|但|据悉|据|截至目前|截至|数据显示|累计|和|及"
    r"|上年同期|去年同期|同期|同比|环比|分别|均|都|比前一周|比上周|较上周|较前一日|较上月|报告期内|期内|当日|同日|当天|首日|收盘|收于|开盘|盘中|盘前|盘后|早盘|午后|尾盘|全天|日内|随后"
    r"|(?:\d{4}年)?(?:上|下)半年|(?:\d{4}年)?第?[一二三四]季度)+"
)
_SUBJECT_END = re.compile(
    r"实现|完成|录得|取得|宣布|希望|计划|拟|贡献|报价|报收|收报|股价|价格|售价|市值|成交额|营收|收入|净利润|利润|亏损|出现|表示|上涨|下跌|涨|跌|占比|份额|规模|达|为|约|超|近|预计|报"
)
_PRONOUN = re.compile(
    r"^(?:公司|该公司|本公司|其|该股|该行"
    r"|(?i:shares|the shares|the stock|the company|it|its|the chipmaker|the firm)\b)"
)
_GROUP_TAIL = re.compile(r"等(?:\d+家)?(?:上市公司|龙头公司|公司|个股|企业|厂商|龙头|芯片公司)?")
_SECTOR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{0,6}(?:板块|概念股|产业链)")
_SAME_DAY = re.compile(r"当日|同日|当天|同一天|the same day")
_PRIOR_YEAR = re.compile(r"上年同期|去年同期")
_RECORD = re.compile(r"\s*(?:的)?(?:最|新高|新低|首次|之最|纪录|记录)")
_LEADING_DATE = re.compile(r"^(?:\d{4}年|\d{1,2}月(?:\d{1,2}日|份)?|今年|去年|当地时间)+")


@dataclass(frozen=True, slots=True)
class Subject:
    """What a fact is about: an entity (``entity_id`` set) or words of the text."""

    text: str
    entity_id: str | None = None
    start: int | None = None


def sentences(folded: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(folded):
        bounds.append((start, match.end()))
        start = match.end()
    if start < len(folded):
        bounds.append((start, len(folded)))
    return bounds


def clause(folded: str, s_start: int, s_end: int, at: int) -> tuple[int, int]:
    start, end = s_start, s_end
    for match in _CLAUSE_END.finditer(folded, s_start, s_end):
        if match.end() <= at:
            start = match.end()
        elif match.start() >= at:
            end = match.start()
            break
    return start, end


def choose_subject(
    metric: Metric,
    text: str,
    folded: str,
    mentions: Sequence[Mention],
    span: tuple[int, int, int, int],
    *,
    previous: Subject | None,
    prior_company: Mention | None,
) -> Subject:
    """The subject of a number at ``span[3]`` in clause ``span[1]:…`` of sentence ``span[0]:…``.

    1. A compatible entity in the clause; 2. the clause's own words when they are a name;
    3. for a pronoun (``公司``, ``其``, ``Shares``), the company named last before;
    4. the subject of the previous fact of the sentence; 5. a compatible entity earlier in the
    sentence; 6. the words that open the sentence.
    """
    s_start, c_start, cue_start, at = span
    candidate = _nearest(metric, folded, mentions, s_start, c_start, at)
    own = subject_words(folded, text, c_start, min(cue_start, at))
    clause_text = _LEADING.sub("", folded[c_start:at])
    in_clause = candidate is not None and candidate.start >= c_start
    if in_clause and candidate is not None and candidate.entity_type != "category":
        return _as_subject(text, folded, mentions, candidate)
    pronoun = _PRONOUN.match(clause_text) or (
        candidate is None and _PRONOUN.match(_LEADING.sub("", folded[s_start:at]))
    )
    if pronoun and prior_company is not None:
        return Subject(prior_company.text, prior_company.entity_id, prior_company.start)
    if in_clause and candidate is not None:
        return _as_subject(text, folded, mentions, candidate)
    if metric != "spec" and _names_itself(own):
        return Subject(own)
    # A compatible entity named after the previous fact's subject is the nearer subject
    # ("指数上涨9.87%，寒武纪股价涨停，市值超过5000亿元": the market cap is 寒武纪's).
    if previous is not None and not (
        candidate is not None and previous.start is not None and candidate.start > previous.start
    ):
        return previous
    if candidate is not None:
        return _as_subject(text, folded, mentions, candidate)
    first = clause(folded, s_start, c_start, s_start)
    return Subject(subject_words(folded, text, first[0], first[1]) if first[1] <= c_start else own)


def subject_words(folded: str, text: str, start: int, end: int) -> str:
    """The words before the metric when no entity is the subject (``全市场``成交额, ``现货黄金``)."""
    phrase = folded[start:end]
    lead = _LEADING.match(phrase)
    offset = lead.end() if lead else 0
    cut = _SUBJECT_END.search(phrase, offset)
    stop = cut.start() if cut else len(phrase)
    raw = text[start + offset : start + stop]
    while True:
        shorter = _LEADING.sub("", _LEADING_DATE.sub("", raw))
        if shorter == raw:
            break
        raw = shorter
    return raw.strip(" ，,的")[:30]


def choose_date(
    dates: Sequence[DateMention],
    folded: str,
    sentence: tuple[int, int],
    clause_span: tuple[int, int],
    at: int,
    *,
    carry: DateMention | None,
    day_metric: bool,
) -> DateMention | None:
    """The date a number refers to, or None; ``carry`` is the last day named before the paragraph.

    1. The nearest date before it in its clause, else the first after it in its clause;
    2. the nearest before it in its sentence (``以来`` spans only within the clause);
    3. for ``当日``/``同日`` and market-day metrics in a paragraph without dates, ``carry``;
    4. the nearest earlier date of the paragraph. ``上年同期`` moves the date back one year.
    """
    s_start, _ = sentence
    c_start, c_end = clause_span
    found = None
    in_clause = [d for d in dates if c_start <= d.start and d.end <= at]
    after = [d for d in dates if at <= d.start < c_end]
    in_sentence = [d for d in dates if s_start <= d.start and d.end <= c_start and not _is_record(folded, d)]
    earlier = [d for d in dates if d.end <= s_start and not _is_record(folded, d)]
    if day_metric:
        earlier = [d for d in earlier if d.period.granularity == "day"]
    same_day = bool(_SAME_DAY.search(folded, s_start, at))
    if in_clause:
        found = in_clause[-1]
    elif after:
        found = after[0]
    elif in_sentence:
        found = in_sentence[-1]
    elif carry is not None and (same_day or (day_metric and not dates)):
        days = [d for d in dates if d.end <= at and d.period.granularity == "day"]
        found = days[-1] if days else carry
    elif earlier:
        found = earlier[-1]
    if found is not None and _PRIOR_YEAR.search(folded, c_start, at):
        found = replace(found, period=_year_back(found.period))
    return found


def _is_record(folded: str, d: DateMention) -> bool:
    """``创1992年以来最大涨幅``: a span that dates a record, not the number."""
    return d.period.is_open and bool(
        re.search(r"[创自]\s*$", folded[max(0, d.start - 2) : d.start]) or _RECORD.match(folded, d.end)
    )


def _year_back(period: Period) -> Period:
    def back(d: date) -> date:
        return d.replace(year=d.year - 1, day=min(d.day, 28 if d.month == 2 else d.day))

    return Period(back(period.start), back(period.end), period.granularity, period.is_open)


def _nearest(
    metric: Metric, folded: str, mentions: Sequence[Mention], s_start: int, c_start: int, at: int
) -> Mention | None:
    types = compatible_types(metric)
    best: tuple[int, int, int, Mention] | None = None
    for m in mentions:
        if not s_start <= m.start < at or m.entity_type not in types:
            continue
        if (
            _COMPARISON_BEFORE.search(folded[max(s_start, m.start - 5) : m.start])
            and folded[m.end : m.end + 1] == "的"
        ):
            continue
        rank = types.index(m.entity_type) if m.entity_type != "category" else len(types)
        key = (0 if m.start >= c_start else 1, rank, at - m.start)
        if best is None or key < best[:3]:
            best = (*key, m)
    return best[3] if best else None


def _as_subject(text: str, folded: str, mentions: Sequence[Mention], m: Mention) -> Subject:
    """A mention as subject, widened to its enumeration (``寒武纪、海光信息等``) or sector (``算力板块``)."""
    by_end = {x.end: x for x in mentions}
    start, items = m.start, 1
    while start > 0 and folded[start - 1] == "、" and (start - 1) in by_end:
        start = by_end[start - 1].start
        items += 1
    tail = _GROUP_TAIL.match(folded, m.end)
    if tail is not None or items >= 2:
        end = tail.end() if tail else m.end
        return Subject(text[start:end], None, start)
    sector = _SECTOR.match(folded, m.end)
    if sector is not None and sector.end() - m.end <= 6 and m.entity_type == "category":
        head = start
        while head > 0 and start - head < 2 and re.match(r"[\u4e00-\u9fff]", folded[head - 1]):
            head -= 1
        return Subject(text[head : sector.end()], None, head)
    return Subject(m.text, m.entity_id, m.start)


def _names_itself(words: str) -> bool:
    """Whether a clause's own words before its metric are a name, not a pronoun or a verb phrase."""
    if not 2 <= len(words) <= 20 or _PRONOUN.match(words) or re.fullmatch(r"[a-z][a-z\s]*", words):
        return False
    if len(re.findall(r"[A-Za-z]+", words)) >= 4:
        return False  # an English clause, not a name
    return not re.search(r"[是将其把对被在这该此它他她]|以及|条件|\d", words)
