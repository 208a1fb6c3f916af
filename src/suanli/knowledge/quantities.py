"""Amounts for facts: :func:`suanli.summary.numbers.parse_quantities` plus what facts need besides.

``numbers.py`` reads digits with scale words, units, ranges and width folding. This module adds
prices per unit (``433.33元/股`` -> ``CNY/share``), counts (``2000万块`` -> ``units``), index
points (``3882.78点``), bare Chinese scales after a threshold verb (``突破万亿`` -> 1e12), small
Chinese multiples (``两倍``), and vague amounts, which stay vague (``数亿``, ``几亿美金``,
``以十亿、百亿计``): they carry a scale and a currency but never a number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from suanli.summary.numbers import fold_width, parse_quantities

CURRENCIES = frozenset({"CNY", "USD", "HKD", "EUR", "JPY", "GBP", "TWD"})
_PER_UNIT = {
    "股": "share",
    "盎司": "oz",
    "克": "g",
    "吨": "t",
    "公斤": "kg",
    "千克": "kg",
    "年": "year",
    "月": "month",
    "小时": "hour",
    "片": "piece",
    "颗": "piece",
    "台": "unit",
    "块": "piece",
    "张": "card",
    "卡": "card",
    "share": "share",
    "oz": "oz",
    "ounce": "oz",
    "hour": "hour",
    "year": "year",
}
_PER = re.compile(
    r"\s*(?:/|每)\s*(?P<u>盎司|公斤|千克|小时|股|克|吨|年|月|片|颗|台|块|张|卡|share|ounce|oz|hour|year)"
)
_PER_BEFORE = re.compile(r"每(?P<u>股|年|月|小时)\s*$")
_COUNT = re.compile(
    r"\s*(?:块|颗|片|台|张|套|枚|部|辆|万块|万颗|万片|万台)(?![\u4e00-\u9fff]{0,1}(?:钱|元))|\s+(?:units|chips|GPUs|servers|accelerators)\b"
)
_POINTS = re.compile(r"\s*点(?!\s*\d|钟|半|多|儿)|\s+points?\b")
_SCALE_WORD = re.compile(
    r"万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|(?i:billion|bn|million|mn|trillion|tn|thousand)"
)
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
_CURRENCY_WORD = r"(?P<cur>人民币|美元|美金|港元|港币|欧元|日元|元)?"
_CURRENCY_CODE = {"人民币": "CNY", "元": "CNY", "美元": "USD", "美金": "USD", "港元": "HKD", "港币": "HKD"}
_CURRENCY_CODE.update({"欧元": "EUR", "日元": "JPY"})
_VAGUE = re.compile(
    r"(?P<word>(?:数|几|好几|上|成)(?:十|百|千)?(?:万亿|亿|万)|(?:十|百|千|万)(?:亿|万)(?=级|量级)"
    r"|(?:数|几)(?:十|百|千))" + _CURRENCY_WORD
)
_VAGUE_LIST = re.compile(
    r"以(?P<items>(?:[十百千万]?亿|[十百千]?万)(?:[、和或至到](?:[十百千万]?亿|[十百千]?万))*)计"
)
_BARE_SCALE = re.compile(
    r"(?<=破|超|达|逾|近|至|过)(?:过|到)?(?P<num>[一两二三四五六七八九]?[十百千]?(?:万亿|亿))"
    + _CURRENCY_WORD
    + r"(?!级|量级|计)"
)
_NUMERIC_HINT = re.compile(r"[0-9亿万倍]")
_CN_MULTIPLE = re.compile(r"(?<![\d一二三四五六七八九十百千万])(?P<n>[一两二三四五六七八九十])倍")


@dataclass(frozen=True, slots=True)
class Amount:
    """A number (or range, or vague amount) of a text, with offsets into the text as given.

    ``value`` is None for ranges (``low``/``high``) and vague amounts (``is_vague``).
    ``scale`` is the scale word as written (``亿``, ``billion``), ``unit`` as in ``numbers.py``
    plus ``CNY/share``-style prices per unit, ``units`` and ``points``.
    """

    text: str
    start: int
    end: int
    value: float | None
    unit: str | None
    currency: str | None = None
    scale: str | None = None
    low: float | None = None
    high: float | None = None
    is_vague: bool = False


def find_amounts(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Amount]:
    """Amounts of ``text`` in order, leaving out any that overlaps a ``skip`` span (names, dates).

    Example:
        >>> [(a.text, a.value, a.unit) for a in find_amounts("收于406.1元/股，成交额2.29万亿元")]
        [('406.1元/股', 406.1, 'CNY/share'), ('2.29万亿元', 2290000000000.0, 'CNY')]
    """
    folded = fold_width(text)
    if _NUMERIC_HINT.search(folded) is None:
        return []
    taken = list(skip)
    out: list[Amount] = []
    has_yi = "亿" in folded or "万" in folded
    # 1. Vague amounts first, so that the digits-free words inside them are never read as numbers.
    for match in _VAGUE_LIST.finditer(folded) if has_yi and "计" in folded else ():
        base = match.start("items")
        for item in re.finditer(r"[十百千万]?[亿万]", match.group("items")):
            start, end = base + item.start(), base + item.end()
            out.append(
                Amount(text[start:end], start, end, None, None, None, _scale_of(item.group()), is_vague=True)
            )
        taken.append(match.span())
    for match in _VAGUE.finditer(folded) if has_yi or "数" in folded or "几" in folded else ():
        if _overlaps(taken, *match.span()):
            continue
        currency = _CURRENCY_CODE.get(match.group("cur") or "")
        scale = _scale_of(match.group("word"))
        out.append(_vague(text, match, currency, scale))
        taken.append(match.span())
    # 2. Digits through numbers.py, then per-unit prices, counts and points.
    for q in parse_quantities(text):
        if _overlaps(taken, q.start, q.end):
            continue
        amount = _from_quantity(text, folded, q.text, q.start, q.end, q.value, q.high, q.unit)
        out.append(amount)
        taken.append((amount.start, amount.end))
    # 3. Bare Chinese scales after a threshold verb and small Chinese multiples.
    for match in _BARE_SCALE.finditer(folded) if "亿" in folded else ():
        start, end = match.span()
        if _overlaps(taken, start, end):
            continue
        value = _cn_number(match.group("num"))
        currency = _CURRENCY_CODE.get(match.group("cur") or "")
        scale = _scale_of(match.group("num"))
        out.append(Amount(text[start:end], start, end, value, currency, currency, scale))
        taken.append((start, end))
    for match in _CN_MULTIPLE.finditer(folded) if "倍" in folded else ():
        start, end = match.span()
        if not _overlaps(taken, start, end):
            value = float(_CN_DIGIT.get(match.group("n"), 10))
            out.append(Amount(text[start:end], start, end, value, "倍"))
    return sorted(out, key=lambda a: a.start)


def _from_quantity(
    text: str, folded: str, raw: str, start: int, end: int, value: float, high: float | None, unit: str
) -> Amount:
    # 10.38 * 1e8 is 1038000000.0000001 in binary floating point; 15 significant digits are exact.
    value, high = _clean(value), None if high is None else _clean(high)
    if unit == "USD" and raw.startswith("$") and folded[max(0, start - 2) : start] == "NT":
        unit, start = "TWD", start - 2  # NT$ is the New Taiwan dollar, not the US dollar.
    elif unit == "CNY" and folded.startswith("新台币", end):
        unit, end = "TWD", end + 3  # 9309.2亿元新台币
    currency = unit if unit in CURRENCIES else None
    final_unit: str | None = unit or None
    per = _PER.match(folded, end) if currency else None
    if per is not None:
        final_unit = f"{currency}/{_PER_UNIT[per.group('u')]}"
        end = per.end()
    elif currency and (per_before := _PER_BEFORE.search(folded, max(0, start - 4), start)):
        final_unit = f"{currency}/{_PER_UNIT[per_before.group('u')]}"
    elif not unit:
        count = _COUNT.match(folded, end)
        points = _POINTS.match(folded, end)
        if count is not None:
            final_unit = "units"
            end = count.end()
            if "万" in count.group():
                value, high = _clean(value * 1e4), None if high is None else _clean(high * 1e4)
        elif points is not None:
            final_unit = "points"
            end = points.end()
    scale_match = _SCALE_WORD.search(raw)
    scale = scale_match.group() if scale_match else None
    if high is not None:
        return Amount(text[start:end], start, end, None, final_unit, currency, scale, value, high)
    return Amount(text[start:end], start, end, value, final_unit, currency, scale)


def _clean(value: float) -> float:
    return float(f"{value:.15g}")


def _vague(text: str, match: re.Match[str], currency: str | None, scale: str | None) -> Amount:
    start, end = match.span()
    return Amount(text[start:end], start, end, None, currency, currency, scale, is_vague=True)


def _scale_of(word: str) -> str | None:
    match = _SCALE_WORD.search(word)
    if match is None:
        return None
    # "十亿" and "百亿" are written scales of their own; report the largest unit word.
    return match.group() if match.group() in ("万亿", "千亿", "百亿", "十亿") else word[match.start() :]


def _cn_number(word: str) -> float:
    """``万亿`` -> 1e12, ``五千亿`` -> 5e11, ``两万亿`` -> 2e12."""
    big = next((b for b in ("万亿", "亿", "万") if word.endswith(b)), "")
    head = word[: len(word) - len(big)]
    digit = _CN_DIGIT.get(head[:1], 1) if head[:1] in _CN_DIGIT else 1
    unit = _CN_UNIT.get(head[-1:], 1) if head[-1:] in _CN_UNIT else 1
    return float(digit * unit) * _CN_BIG.get(big, 1.0)


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
