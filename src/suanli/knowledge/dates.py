"""Date and period expressions anchored to a publish date (``8月22日``, ``今年4月``, ``2023至2028年``).

A date without a year takes the publish year, or the year before when that would put it more
than four months after the publish date (``12月30日`` in an article of 2025-01-03 is 2024-12-30),
or the year after when it is a near-future date read at the end of a year. ``当地时间`` (local
time) is kept as a flag: the event may fall a day earlier than in Beijing. Offsets index the text
as given (full-width digits are folded one character for one).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from suanli.summary.numbers import fold_width

from .models import DateMention, Granularity, Period

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_REL_YEAR = {
    "今年": 0,
    "本年": 0,
    "年内": 0,
    "去年": -1,
    "上年": -1,
    "上一年": -1,
    "前年": -2,
    "明年": 1,
    "下一年": 1,
}
_REL_YEAR_EN = {"this": 0, "last": -1, "next": 1}
_REL_DAY = {"今日": 0, "今天": 0, "昨日": -1, "昨天": -1, "前日": -2, "前天": -2, "明日": 1, "明天": 1}
_REL_DAY_EN = {"today": 0, "yesterday": -1, "tomorrow": 1}
_MONTHS_EN = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_ORDINAL_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_WEEKDAYS_EN = "monday tuesday wednesday thursday friday saturday sunday".split()
_WEEKDAYS_ZH = "一二三四五六日"
_MONTH_NAME = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)"
)
# Fiscal periods are not calendar periods: they are recognised so that no part of them is read as
# a calendar date, and they yield no date (NVIDIA's fiscal 2026 ends in January 2026).
_FISCAL = re.compile(
    r"(?:(?:19|20)\d{2}\s*财年|FY\s*(?:19|20)?\d{2})(?:\s*第?[一二三四]季度|\s*Q[1-4]|\s*(?:上|下)半年)?"
    r"|(?i:(?:(?:first|second|third|fourth)[- ]quarter\s+of\s+|Q[1-4]\s+)?"
    r"fiscal\s+(?:year\s+)?(?:19|20)\d{2})"
)

_Y = r"(?P<y>(?:19|20)\d{2})"
_REL = r"(?P<rel>今年|本年|去年|上一年|上年|前年|明年|下一年)"
_MON_EN = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_LOCAL = re.compile(r"当地时间\s*$|(?i:local time)")

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
_NO_ANCHOR = date(1000, 6, 15)
Builder = Callable[[re.Match[str], date], Period | None]
# Triggers starting with "@en" are looked up in the lower-cased text.
_EN_MARK = "@en"


def local_date(when: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of ``when`` in ``tz`` (default Asia/Shanghai); naive values are taken as local."""
    if when.tzinfo is None:
        return when.date()
    return when.astimezone(tz or DEFAULT_TZ).date()


def find_dates(text: str, anchor: date | None, *, days_only: bool = False) -> list[DateMention]:
    """Date expressions of ``text`` in order, each anchored to ``anchor`` (the publish date).

    Without an anchor only expressions that state their year are returned.

    Example:
        >>> [d.period.label for d in find_dates("8月22日大涨，今年4月禁售，2025年Q1营收", date(2025, 8, 24))]
        ['2025-08-22', '2025-04', '2025-Q1']
    """
    if anchor is None:
        # Anchor far in the past and keep what did not need the anchor's year.
        unanchored = find_dates(text, _NO_ANCHOR, days_only=days_only)
        return [d for d in unanchored if d.period.start.year > _NO_ANCHOR.year]
    folded = fold_width(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    if "财年" in folded or "FY" in folded or "iscal" in folded:
        taken = [m.span() for m in _FISCAL.finditer(folded)]
    lowered = ""
    for pattern, build, triggers in _RULES:
        if days_only and build not in _DAY_BUILDERS:
            continue
        # A rule runs only when the text has one of its trigger strings: most rules never fire.
        if triggers[0] == _EN_MARK:
            lowered = lowered or folded.lower()
            if not any(t in lowered for t in triggers[1:]):
                continue
        elif not any(t in folded for t in triggers):
            continue
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            period = build(match, anchor)
            if period is None:
                continue
            # "6月至今", "今年以来": the span runs up to the publish date.
            tail = _SINCE.match(folded, end)
            if tail is not None:
                period = Period(period.start, max(anchor, period.start), "range", is_open=True)
                end = tail.end()
            local = _local_before(folded, start) or bool(_LOCAL_AFTER.match(folded, end))
            taken.append((start, end))
            found.append(DateMention(text[start:end], start, end, period, local))
    return sorted(found, key=lambda d: d.start)


def _local_before(folded: str, start: int) -> bool:
    return bool(_LOCAL.search(folded[max(0, start - 6) : start]))


# -- builders ------------------------------------------------------------------------------------


def _day(year: int, month: int, day: int) -> Period | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    d = date(year, month, day)
    return Period(d, d, "day")


def _months(year: int, first: int, last: int) -> Period | None:
    if not 1 <= first <= last <= 12:
        return None
    start, end = date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    span = (first, last)
    granularity: Granularity = "range"
    if first == last:
        granularity = "month"
    elif span in ((1, 3), (4, 6), (7, 9), (10, 12)):
        granularity = "quarter"
    elif span in ((1, 6), (7, 12)):
        granularity = "half"
    elif span == (1, 12):
        granularity = "year"
    return Period(start, end, granularity)


def _year_of(period_of: Callable[[int], Period | None], anchor: date) -> Period | None:
    """The period for a yearless expression: the publish year, else the year before or after."""
    period = period_of(anchor.year)
    if period is None:
        return period_of(anchor.year - 1)
    if period.start > anchor + timedelta(days=122):
        return period_of(anchor.year - 1)
    if period.end < anchor - timedelta(days=243):
        following = period_of(anchor.year + 1)
        if following is not None and following.start <= anchor + timedelta(days=31):
            return following
    return period


def _explicit_year(match: re.Match[str], anchor: date) -> int | None:
    groups = match.groupdict()
    if groups.get("y"):
        return int(groups["y"])
    if groups.get("rel"):
        return anchor.year + _REL_YEAR[groups["rel"]]
    if groups.get("rel_en"):
        return anchor.year + _REL_YEAR_EN[groups["rel_en"].lower()]
    return None


def _dated(match: re.Match[str], anchor: date, period_of: Callable[[int], Period | None]) -> Period | None:
    year = _explicit_year(match, anchor)
    return period_of(year) if year is not None else _year_of(period_of, anchor)


def _b_year_range(m: re.Match[str], anchor: date) -> Period | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    return Period(date(y1, 1, 1), date(y2, 12, 31), "range") if y1 < y2 else None


def _b_ymd(m: re.Match[str], anchor: date) -> Period | None:
    return _dated(m, anchor, lambda y: _day(y, int(m.group("m")), int(m.group("d"))))


def _b_day_range(m: re.Match[str], anchor: date) -> Period | None:
    month, d1, d2 = int(m.group("m")), int(m.group("d1")), int(m.group("d2"))

    def period_of(year: int) -> Period | None:
        first, last = _day(year, month, d1), _day(year, month, d2)
        if first is None or last is None or d1 >= d2:
            return None
        return Period(first.start, last.end, "range")

    return _dated(m, anchor, period_of)


def _b_month_range(m: re.Match[str], anchor: date) -> Period | None:
    return _dated(m, anchor, lambda y: _months(y, int(m.group("m1")), int(m.group("m2"))))


def _b_month(m: re.Match[str], anchor: date) -> Period | None:
    month = int(m.group("m"))
    return _dated(m, anchor, lambda y: _months(y, month, month))


def _b_quarter(m: re.Match[str], anchor: date) -> Period | None:
    groups = m.groupdict()
    q = _CN_NUM.get(groups.get("q") or "") or _ORDINAL_EN.get((groups.get("qe") or "").lower(), 0)
    if not 1 <= q <= 4:
        return None
    return _dated(m, anchor, lambda y: _months(y, 3 * q - 2, 3 * q))


def _b_first_quarters(m: re.Match[str], anchor: date) -> Period | None:
    q = _CN_NUM[m.group("q")]
    return _dated(
        m, anchor, lambda y: Period(date(y, 1, 1), date(y, 3 * q, 30 if q in (2, 3) else 31), "range")
    )


def _b_half(m: re.Match[str], anchor: date) -> Period | None:
    word = (m.groupdict().get("h") or m.groupdict().get("h2") or "").lower()
    first = word in ("上", "1", "first")
    return _dated(m, anchor, lambda y: _months(y, 1, 6) if first else _months(y, 7, 12))


def _b_year(m: re.Match[str], anchor: date) -> Period | None:
    year = _explicit_year(m, anchor)
    return None if year is None else Period(date(year, 1, 1), date(year, 12, 31), "year")


def _b_rel_day(m: re.Match[str], anchor: date) -> Period | None:
    word = m.group("rd")
    offset = _REL_DAY.get(word, _REL_DAY_EN.get(word.lower(), 0))
    d = anchor + timedelta(days=offset)
    return Period(d, d, "day")


def _b_en_day(m: re.Match[str], anchor: date) -> Period | None:
    month = _MONTHS_EN.index(m.group("mon")[:3].lower()) + 1
    return _dated(m, anchor, lambda y: _day(y, month, int(m.group("d"))))


def _b_en_month(m: re.Match[str], anchor: date) -> Period | None:
    month = _MONTHS_EN.index(m.group("mon")[:3].lower()) + 1
    return _dated(m, anchor, lambda y: _months(y, month, month))


def _b_day_only(m: re.Match[str], anchor: date) -> Period | None:
    day = int(m.group("d"))
    for months_back in (0, 1):
        year, month = anchor.year, anchor.month - months_back
        if month == 0:
            year, month = year - 1, 12
        period = _day(year, month, day)
        if period is not None and period.start <= anchor + timedelta(days=3):
            return period
    return None


def _b_weekday(m: re.Match[str], anchor: date) -> Period | None:
    word = m.group("wd")
    index = _WEEKDAYS_ZH.index(word) if word in _WEEKDAYS_ZH else _WEEKDAYS_EN.index(word.lower())
    week = m.groupdict().get("wk")
    if week:  # 上周三 is in the week before the publish week, 本周三 in the publish week.
        monday = anchor - timedelta(days=anchor.weekday()) - timedelta(days=7 if week == "上" else 0)
        d = monday + timedelta(days=index)
        return Period(d, d, "day")
    back = (anchor.weekday() - index) % 7
    d = anchor - timedelta(days=back)
    return Period(d, d, "day")


_HALF = r"(?P<h>上|下)半年|H(?P<h2>[12])"
_RULES: tuple[tuple[re.Pattern[str], Builder, tuple[str, ...]], ...] = (
    (
        re.compile(
            r"(?<!\d)(?P<y1>(?:19|20)\d{2})\s*年?\s*(?:至|到|-|–|—|~)\s*(?P<y2>(?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)"
        ),
        _b_year_range,
        ("年",),
    ),
    (
        re.compile(
            r"(?i:(?:from|between)\s+)(?P<y1>(?:19|20)\d{2})\s+(?:to|and|through)\s+(?P<y2>(?:19|20)\d{2})\b"
        ),
        _b_year_range,
        ("@en", "from", "between"),
    ),
    (re.compile(rf"(?<!\d){_Y}\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]"), _b_ymd, ("年",)),
    (
        re.compile(rf"(?<![\d.]){_Y}[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?![\d.])"),
        _b_ymd,
        ("-", "/", "."),
    ),
    (
        re.compile(
            rf"(?:(?<!\d){_Y}\s*年|{_REL})?(?<![\d.])(?P<m>\d{{1,2}})\s*月\s*(?P<d1>\d{{1,2}})\s*日?\s*(?:至|到|-|—|~)\s*(?P<d2>\d{{1,2}})\s*日"
        ),
        _b_day_range,
        ("日",),
    ),
    (
        re.compile(
            rf"(?:(?<!\d){_Y}\s*年|{_REL})?(?<![\d.])(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]"
        ),
        _b_ymd,
        ("月",),
    ),
    (
        re.compile(
            rf"(?:(?<!\d){_Y}\s*年|{_REL})?(?<![\d.])(?P<m1>\d{{1,2}})\s*(?:月\s*)?(?:至|到|-|—|~)\s*(?P<m2>\d{{1,2}})\s*月(?!\s*\d{{1,2}}\s*[日号])"
        ),
        _b_month_range,
        ("月",),
    ),
    (re.compile(rf"(?:(?<!\d){_Y}\s*年?\s*|{_REL})?(?:前(?P<q>[三二])季度)"), _b_first_quarters, ("季度",)),
    (
        re.compile(rf"(?:(?<!\d){_Y}\s*年?\s*|{_REL})?(?<![上下本每])第?(?P<q>[一二三四])季度"),
        _b_quarter,
        ("季度",),
    ),
    (re.compile(rf"(?<![0-9A-Za-z])Q(?P<q>[1-4])\s+{_Y}\b"), _b_quarter, ("Q",)),
    (re.compile(rf"(?:(?<!\d){_Y}\s*年?\s*|{_REL})?Q(?P<q>[1-4])(?![0-9A-Za-z])"), _b_quarter, ("Q",)),
    (
        re.compile(rf"(?i:(?P<qe>first|second|third|fourth)[- ]quarter)(?:\s+(?:of\s+)?{_Y})?"),
        _b_quarter,
        ("@en", "quarter"),
    ),
    (re.compile(rf"(?:(?<!\d){_Y}\s*年?\s*|{_REL})?(?:{_HALF})(?![0-9A-Za-z])"), _b_half, ("半年", "H")),
    (re.compile(rf"(?i:(?P<h>first|second)\s+half)(?:\s+(?:of\s+)?{_Y})?"), _b_half, ("@en", "half")),
    (
        re.compile(rf"(?:(?<!\d){_Y}\s*年|{_REL})(?P<m>\d{{1,2}})\s*月(?:份)?(?!\s*\d{{1,2}}\s*[日号])"),
        _b_month,
        ("月",),
    ),
    (re.compile(r"(?<![\d.年])(?P<m>\d{1,2})\s*月(?:份)?(?!\s*\d{1,2}\s*[日号])(?!\d)"), _b_month, ("月",)),
    (re.compile(rf"(?<!\d){_Y}\s*(?:年度|年)(?!\s*\d{{1,2}}\s*[月\-])"), _b_year, ("年",)),
    (re.compile(_REL + r"(?!\d|同期)"), _b_year, ("年",)),
    (re.compile(r"(?P<rd>今日|今天|昨日|昨天|前日|前天|明日|明天)"), _b_rel_day, ("日", "天")),
    (
        re.compile(rf"(?<![A-Za-z]){_MON_EN}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+{_Y})?(?!\d)"),
        _b_en_day,
        ("@en", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ),
    (
        re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})\s+{_MON_EN}(?:,?\s+{_Y})?(?!\d)"),
        _b_en_day,
        ("@en", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ),
    (
        re.compile(rf"(?<![A-Za-z]){_MON_EN}\s+{_Y}\b"),
        _b_en_month,
        ("@en", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ),
    (
        re.compile(rf"\b(?i:in|since|until|by|during|through|of|for)\s+{_Y}\b(?![\d%])"),
        _b_year,
        ("@en", "in ", "since ", "until ", "by ", "during ", "through ", "of ", "for "),
    ),
    (re.compile(r"\b(?P<rel_en>[Tt]his|[Ll]ast|[Nn]ext) year\b"), _b_year, ("@en", "year")),
    (
        re.compile(r"\b(?P<rd>[Tt]oday|[Yy]esterday|[Tt]omorrow)\b"),
        _b_rel_day,
        ("@en", "today", "yesterday", "tomorrow"),
    ),
    (
        re.compile(r"\b(?:on\s+)(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
        _b_weekday,
        ("@en", "day"),
    ),
    (
        re.compile(
            r"(?P<wk>上|本|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日])(?![\u4e00-\u9fff]{0,1}(?:至|到))"
        ),
        _b_weekday,
        ("周", "星期", "礼拜"),
    ),
    (
        re.compile(rf"\b(?i:for|in|since|during|through|until|by|of)\s+{_MONTH_NAME}\b(?!\s+\d)"),
        _b_en_month,
        ("@en", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ),
    (re.compile(r"(?<![\d.月近前续每第共约超逾])(?P<d>\d{1,2})\s*日(?![均线内以])"), _b_day_only, ("日",)),
)
_DAY_BUILDERS = frozenset({_b_ymd, _b_rel_day, _b_en_day, _b_weekday, _b_day_only})
_SINCE = re.compile(r"\s*(?:以来|至今|迄今)")
_LOCAL_AFTER = re.compile(r"\s*\(?(?i:local time)")
