"""Numbers, ranges, dates and their qualifiers in zh/en text, normalised so that they can be compared.

``5,000亿元``, ``5000亿元`` and ``0.5万亿元`` all read as 5.0e11 CNY; ``15%-30%`` is one range; ``96GB``
is 9.6e10 bytes; full-width digits read as ASCII. A number is "qualified" when the text hedges it
(``近``/``约``/``超过``/``预计``/``nearly``/``expected`` ... before it, ``左右``/``以上``/``多`` after it).
Tokens where digits touch Latin letters (``H20``, ``910C``, ``V3.1``) are product codes, not numbers.
Offsets always refer to the text as given (width folding maps one character to one character).
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import lru_cache

# One-to-one folding of full-width digits, letters and the signs numbers use (not the full-width
# comma: "15，30" in a Chinese list is two numbers, not fifteen thousand and thirty).
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_FOLD.update({ord(c): ord(a) for c, a in zip("％．＄－～＋／：", "%.$-~+/:", strict=True)})
_FOLD[0x3000] = 0x20


_WIDE = re.compile("[" + "".join(chr(cp) for cp in sorted(_FOLD)) + "]")
_FOLD_CHARS = {chr(wide): chr(narrow) for wide, narrow in _FOLD.items()}


def fold_width(text: str) -> str:
    """Full-width digits, letters and ``％．＄－～＋／：`` as ASCII, keeping every offset."""
    # A text holds a handful of wide characters at most; replacing just those is ten times faster
    # on Chinese text than str.translate, which looks up every character.
    return _WIDE.sub(_fold_match, text)


def _fold_match(match: re.Match[str]) -> str:
    return _FOLD_CHARS[match.group()]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as stated: ``value = number * scale`` (the low end for a range, ``high`` the top).

    ``unit`` is canonical: ``%``, ``pp`` (percentage points), ``bp``, ``倍``, ``CNY``, ``USD``, ``HKD``,
    ``EUR``, ``JPY``, ``GBP``, ``B`` and ``B/s`` (bytes), ``b/s`` (bits), ``W``, ``Hz``, ``FLOPS``,
    ``OPS``, ``nm`` or ``""``. ``scale`` combines scale words (``亿``, ``billion``) and unit prefixes.
    """

    text: str
    start: int
    end: int
    number: float
    scale: float
    unit: str
    value: float
    high: float | None = None
    qualifier: str | None = None

    @property
    def is_range(self) -> bool:
        return self.high is not None


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar date, possibly partial (``8月22日`` has no year, ``2025年`` only a year)."""

    text: str
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    is_bare_year: bool = False


# Written to start with a digit, so the scan skips every other character in C.
_NUMBER = re.compile(r"\d(?:\d{0,2}(?:,\d{3})+(?!\d)|\d*)(?:\.\d+)?")
_PREFIX_CURRENCY = re.compile(r"(?:US\$|HK\$|\$|¥|￥|€|£|(?<![A-Za-z])(?:RMB|USD|CNY) ?)$")
_CURRENCY_CODES = {"US$": "USD", "$": "USD", "HK$": "HKD", "¥": "CNY", "￥": "CNY", "€": "EUR", "£": "GBP"}
_CURRENCY_CODES.update({"RMB": "CNY", "USD": "USD", "CNY": "CNY"})
_EN_SCALE = re.compile(r" ?(thousand|million|billion|trillion|mn|bn|tn)(?![A-Za-z])", re.IGNORECASE)
_EN_SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}
_EN_SCALES.update({"trillion": 1e12, "tn": 1e12})
_CN_SCALE = re.compile(r"[十百千万亿]+")
_CN_SCALES = {"十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "亿": 1e8}
_PREFIXES = {"": 1.0, "K": 1e3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "Z": 1e21}

# (pattern, canonical unit, factor); a named group "p" holds an SI prefix. Longer forms come first.
_UNIT_TABLE: tuple[tuple[str, str, float], ...] = (
    (r"个百分点| ?percentage points?(?![A-Za-z])| ?pp(?![A-Za-z])", "pp", 1.0),
    (r"个基点|基点| ?basis points?(?![A-Za-z])| ?bps(?![A-Za-z])", "bp", 1.0),
    (r" ?(?:%|percent(?![A-Za-z])|per cent(?![A-Za-z]))", "%", 1.0),
    (r"倍|x(?![A-Za-z0-9])|×", "倍", 1.0),
    (r" ?(?P<p>[KMGTPE])i?B(?:/s|ps)(?![A-Za-z])", "B/s", 1.0),
    (r" ?(?P<p>[KMGTPE])i?B(?![A-Za-z])", "B", 1.0),
    (r" ?(?P<p>[KMGTPE])b(?:/s|ps)(?![A-Za-z])", "b/s", 1.0),
    (r" ?(?P<p>[KMGTPEZ]?)(?:FLOPS|FLOPs|Flops|flops)(?![A-Za-z])", "FLOPS", 1.0),
    (r" ?(?P<p>[KMGTPE]?)OPS(?![A-Za-z])", "OPS", 1.0),
    (r" ?(?P<p>[kMG])W(?![A-Za-z])", "W", 1.0),
    (r"兆瓦", "W", 1e6),
    (r"吉瓦", "W", 1e9),
    (r"瓦", "W", 1.0),
    (r" ?(?P<p>[KMGT])Hz(?![A-Za-z])", "Hz", 1.0),
    (r" ?nm(?![A-Za-z])|纳米", "nm", 1.0),
    (r"美元|美金| ?(?:dollars?|USD)(?![A-Za-z])", "USD", 1.0),
    (r"港元|港币| ?HKD(?![A-Za-z])", "HKD", 1.0),
    (r"欧元| ?(?:euros?|EUR)(?![A-Za-z])", "EUR", 1.0),
    (r"日元| ?(?:yen|JPY)(?![A-Za-z])", "JPY", 1.0),
    (r"英镑| ?GBP(?![A-Za-z])", "GBP", 1.0),
    (r"元人民币|人民币|元| ?(?:yuan|RMB|CNY)(?![A-Za-z])", "CNY", 1.0),
)
# All unit forms in one alternation: group "u<i>" is row i of the table, "p<i>" its SI prefix.
_UNITS = re.compile(
    "|".join(f"(?P<u{i}>{p.replace('(?P<p>', f'(?P<p{i}>')})" for i, (p, _, _) in enumerate(_UNIT_TABLE))
)
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|~|至|到|to)\s*")

_TIGHT_QUALIFIER = re.compile(
    r"(?:(?P<zh>接近|将近|超过|超出|高达|多达|至少|不到|不足|不少于|不低于|大约|约合|约为|约|(?<![最附靠临])近"
    r"|超|逾|最高|上看)(?:达到|达|到|了|为)?"
    r"|(?P<en>(?<![A-Za-z])(?:nearly|almost|about|around|approximately|roughly|over|more than|above"
    r"|at least|up to|as (?:much|many|high|low|little|few) as|less than|fewer than|under|close to"
    r"|some|an estimated|upwards of)|~))\s*$",
    re.IGNORECASE,
)
_CLAUSE_QUALIFIER = re.compile(
    r"预计|预期|预估|估计|或将|或达|可能|有望|料将|计划|(?<![模虚])拟"
    r"|(?<![A-Za-z])(?i:expect(?:s|ed)?|estimat(?:e|es|ed)|forecast(?:s|ed)?|projected|could|might"
    r"|likely|plans? to|planned|aims? to)(?![A-Za-z])|(?<![A-Za-z])may(?![A-Za-z])"
)
_POST_QUALIFIER = re.compile(r"\s*(左右|以上|以下|以内|上下|开外|出头|多|余|or more|or so)")
_CLAUSE_STOPS = frozenset("。！？；;!?\n，,:：")
_SENTENCE_STOPS = frozenset("。！？；;!?\n")

_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_EN_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# (pattern, kind) in priority order: at one position the first that matches wins.
_DATE_TABLE: tuple[tuple[str, str], ...] = (
    (r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", "ymd"),
    (r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])", "ymd"),
    (r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月", "ym"),
    (r"(?<![\d.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", "md"),
    (r"(?<!\d)(\d{4})\s*(?:年|财年)", "y"),
    (r"(?<![\d.])(\d{1,2})\s*月(?!份?\d)", "m"),
    (rf"(?<![A-Za-z]){_EN_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?(?!\d)", "Mdy"),
    (rf"(?<![\d.])(\d{{1,2}})(?:st|nd|rd|th)?\s+{_EN_MONTH}(?:,?\s+(\d{{4}}))?(?!\d)", "dMy"),
    (rf"(?<![A-Za-z]){_EN_MONTH}\s+(\d{{4}})(?!\d)", "My"),
    (
        # A bare year ends at a space, punctuation or 至/到; "2000块" and "2000 billion" are amounts.
        r"(?<![\d.,$¥A-Za-z])((?:19|20)\d{2})(?![.,]\d)(?=$|[\s,.;:!?'\")\]，。；：！？、）」』”’\-–—~至到])"
        r"(?!\s?(?:thousand|million|billion|trillion|bn|mn|percent|[KMGTPE]i?B|[KMGTPE]?FLOPS)(?![A-Za-z]))",
        "bare",
    ),
)
# The lookahead lets the scan skip, cheaply, every position where no date can start.
_DATES = re.compile(
    "(?=[0-9JFMASOND])(?:" + "|".join(f"(?P<d{i}>{p})" for i, (p, _) in enumerate(_DATE_TABLE)) + ")"
)
_DATE_GROUPS = tuple(
    (_DATES.groupindex[f"d{i}"], re.compile(p).groups, kind) for i, (p, kind) in enumerate(_DATE_TABLE)
)
_DIGIT = re.compile(r"\d")


def parse_dates(text: str) -> list[DateMention]:
    """Dates in ``text`` (see :func:`_parse_dates`); results are cached per text."""
    return list(_cached_dates(text))


@lru_cache(maxsize=8192)
def _cached_dates(text: str) -> tuple[DateMention, ...]:
    # Scoring, the citation check and fact extraction parse the same sentences and paragraphs.
    return tuple(_parse_dates(text))


def _parse_dates(text: str) -> list[DateMention]:
    """Dates in ``text`` in order: ``2025年8月22日``, ``2025-08-22``, ``8月22日``, ``2025年``, ``Aug 22``.

    Example:
        >>> [(d.year, d.month, d.day) for d in parse_dates("2025年8月22日发布，8月24日生效")]
        [(2025, 8, 22), (None, 8, 24)]
    """
    folded = fold_width(text)
    found: list[DateMention] = []
    if _DIGIT.search(folded) is None:
        return found
    for match in _DATES.finditer(folded):
        row = int((match.lastgroup or "d0")[1:])
        first, count, kind = _DATE_GROUPS[row]
        mention = _date_from(match.groups()[first : first + count], kind, match.span(), text)
        if mention is not None:
            found.append(mention)
    return found


def _date_from(
    groups: Sequence[str | None], kind: str, span: tuple[int, int], text: str
) -> DateMention | None:
    g = [x or "" for x in groups]
    year = month = day = None
    if kind in ("ymd", "ym", "y", "bare"):
        year = int(g[0])
        month = int(g[1]) if kind in ("ymd", "ym") else None
        day = int(g[2]) if kind == "ymd" else None
    elif kind in ("md", "m"):
        month = int(g[0])
        day = int(g[1]) if kind == "md" else None
    elif kind == "Mdy":
        month = _MONTH_NAMES.index(g[0][:3].lower()) + 1
        day = int(g[1])
        year = int(g[2]) if g[2] else None
    elif kind == "dMy":
        day = int(g[0])
        month = _MONTH_NAMES.index(g[1][:3].lower()) + 1
        year = int(g[2]) if g[2] else None
    else:  # "My"
        month = _MONTH_NAMES.index(g[0][:3].lower()) + 1
        year = int(g[1])
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    start, end = span
    return DateMention(text[start:end], start, end, year, month, day, is_bare_year=kind == "bare")


def parse_quantities(
    text: str, *, dates: Sequence[DateMention] | None = None, qualify_units: Container[str] | None = None
) -> list[Quantity]:
    """Numbers in ``text`` (see :func:`_parse_quantities`); cached per text when ``dates`` is not given.

    ``qualify_units`` limits the look-up of hedges (近, 超, 预计 ...) to numbers of those units, for
    callers that read no other qualifier; the others come back with ``qualifier`` None.
    """
    if dates is None and qualify_units is None:
        return list(_cached_quantities(text))
    return _parse_quantities(text, dates=dates, qualify_units=qualify_units)


@lru_cache(maxsize=8192)
def _cached_quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(_parse_quantities(text, dates=None))


def _parse_quantities(
    text: str, *, dates: Sequence[DateMention] | None = None, qualify_units: Container[str] | None = None
) -> list[Quantity]:
    """Numbers in ``text`` with scale, unit, range and qualifier, in order; dates are left out.

    Pass ``dates`` when ``parse_dates(text)`` is already known, to save parsing them again.

    Example:
        >>> q = parse_quantities("预计未来六个季度业务规模达5,000亿美元")[0]
        >>> (q.value, q.unit, q.qualifier)
        (500000000000.0, 'USD', '预计')
    """
    folded = fold_width(text)
    # Characters inside a date are marked, so a number overlapping one is found in one look-up.
    in_date = bytearray(len(folded))
    for d in parse_dates(text) if dates is None else dates:
        in_date[d.start : d.end] = b"\x01" * (d.end - d.start)
    singles: list[Quantity] = []
    for match in _NUMBER.finditer(folded):
        start, end = match.span()
        if in_date.find(1, start, end) != -1:
            continue
        quantity = _quantity_at(folded, text, start, end)
        if quantity is not None:
            singles.append(quantity)
    merged = _merge_ranges(folded, text, singles)
    if qualify_units is not None:
        return [_with_qualifier(folded, q) if q.unit in qualify_units else q for q in merged]
    return [_with_qualifier(folded, q) for q in merged]


def _quantity_at(folded: str, text: str, start: int, end: int) -> Quantity | None:
    # 1. Digits glued to Latin letters or to a dotted/dashed code are product codes (H20, V3.1, GLM-4.5).
    unit = ""
    number = float(folded[start:end].replace(",", ""))
    prev = folded[start - 1] if start else ""
    currency = _PREFIX_CURRENCY.search(folded, max(0, start - 4), start)
    if currency is not None:
        unit = _CURRENCY_CODES[currency.group().strip()]
        start = currency.start()
    elif prev and (prev.isascii() and (prev.isalnum() or prev in "._")):
        return None
    elif prev == "-" and start >= 2 and folded[start - 2].isascii() and folded[start - 2].isalpha():
        return None
    scale = 1.0
    pos = end
    # 2. Scale words: 万/亿/万亿, thousand/million/billion/bn.
    en_scale = _EN_SCALE.match(folded, pos)
    cn_scale = _CN_SCALE.match(folded, pos)
    if en_scale is not None:
        scale = _EN_SCALES[en_scale.group(1).lower()]
        pos = en_scale.end()
    elif cn_scale is not None:
        scale = math.prod(_CN_SCALES[c] for c in cn_scale.group())
        pos = cn_scale.end()
    # 3. Units: currencies, %, 倍, bytes, FLOPS, watts ...
    unit_match = _UNITS.match(folded, pos)
    if unit_match is not None and unit_match.lastgroup is not None:
        row = int(unit_match.lastgroup[1:])
        _, canonical, factor = _UNIT_TABLE[row]
        if not unit or canonical == unit:
            prefix = unit_match.groupdict().get(f"p{row}") or ""
            scale *= factor * _PREFIXES[prefix]
            unit = canonical
            pos = unit_match.end()
    if pos == end and pos < len(folded) and folded[pos].isascii() and folded[pos].isalpha():
        return None
    return Quantity(text[start:pos], start, pos, number, scale, unit, number * scale)


def _merge_ranges(folded: str, text: str, singles: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    i = 0
    while i < len(singles):
        low = singles[i]
        if i + 1 < len(singles):
            high = singles[i + 1]
            gap = _RANGE_GAP.fullmatch(folded, low.end, high.start)
            is_bare = low.unit == "" and low.scale == 1.0
            scale = high.scale if is_bare else low.scale
            units_agree = is_bare or low.unit == high.unit
            if gap is not None and units_agree and low.number * scale < high.value:
                out.append(
                    Quantity(
                        text[low.start : high.end],
                        low.start,
                        high.end,
                        low.number,
                        scale,
                        high.unit,
                        low.number * scale,
                        high=high.value,
                    )
                )
                i += 2
                continue
        out.append(low)
        i += 1
    return out


def _with_qualifier(folded: str, q: Quantity) -> Quantity:
    qualifier = qualifier_of(folded, q.start, q.end)
    if qualifier is None:
        return q
    return Quantity(q.text, q.start, q.end, q.number, q.scale, q.unit, q.value, q.high, qualifier)


def qualifier_of(folded: str, start: int, end: int) -> str | None:
    """The hedge of the number at ``folded[start:end]``: tight before, after, or in its clause."""
    tight = _TIGHT_QUALIFIER.search(folded, max(0, start - 16), start)
    if tight is not None:
        return (tight.group("zh") or tight.group("en") or "").strip()
    post = _POST_QUALIFIER.match(folded, end)
    if post is not None:
        return post.group(1)
    clause_start = start
    while clause_start > 0 and start - clause_start < 120:
        ch = folded[clause_start - 1]
        if ch in _CLAUSE_STOPS or (ch == "." and clause_start < len(folded) and folded[clause_start] == " "):
            break
        clause_start -= 1
    clause = _CLAUSE_QUALIFIER.search(folded, clause_start, start)
    return clause.group() if clause is not None else None


def hedged_in_sentence(text: str, start: int) -> bool:
    """True when a hedging word (预计, 可能, expected, may ...) precedes ``start`` in its sentence.

    Used on summary bullets, which may move the hedge to another clause ("英伟达预计，未来…达5000亿美元").
    """
    folded = fold_width(text)
    begin = start
    while begin > 0 and folded[begin - 1] not in _SENTENCE_STOPS:
        begin -= 1
    return _CLAUSE_QUALIFIER.search(folded, begin, start) is not None


def same_quantity(claimed: Quantity, stated: Quantity) -> bool:
    """True when ``stated`` (from a source paragraph) supports ``claimed`` (from a summary).

    Values must be equal after normalisation; a unit-less claim matches any unit; a single value
    may be one end of a stated range.
    """
    if claimed.unit and claimed.unit != stated.unit:
        return False
    if claimed.high is not None:
        return (
            stated.high is not None
            and _close(claimed.value, stated.value)
            and _close(claimed.high, stated.high)
        )
    if _close(claimed.value, stated.value):
        return True
    return stated.high is not None and _close(claimed.value, stated.high)


def same_date(claimed: DateMention, stated: DateMention) -> bool:
    """True when every field ``claimed`` gives (year, month, day) is given equally by ``stated``."""
    if claimed.year is None and claimed.month is None:
        return False
    return all(
        c is None or c == s
        for c, s in ((claimed.year, stated.year), (claimed.month, stated.month), (claimed.day, stated.day))
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
