"""Which metric a number states, read from its unit and the words around it (the cue tables live here).

Unstable internal API of :mod:`suanli.knowledge.facts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Basis, EntityType, Metric, Qualifier

# Cue words by metric. The nearest cue before a number that suits its unit wins; at equal
# distance the earlier row wins.
_CUES: tuple[tuple[Metric, str], ...] = (
    ("market_cap", r"总市值|流通市值|市值|market (?:value|cap(?:italization|italisation)?)"),
    ("turnover", r"成交额|成交金额|交易额|turnover|trading volume"),
    ("market_share", r"市场份额|市占率|份额|占比|占据|占有率|market share|share of"),
    (
        "growth_rate",
        r"复合增长率|年复合|增长率|增速|同比|环比|CAGR|compound annual growth(?: rate)?|year[- ]on[- ]year",
    ),
    ("revenue", r"业务规模|营收规模|收入规模|销售规模"),
    ("compute_capacity", r"算力规模|智能算力|总算力|算力总规模|computing power"),
    ("market_size", r"市场规模|行业规模|规模|market size|market (?:is|was) worth|\bmarket\b"),
    ("revenue", r"营业总收入|营业收入|营收|总收入|收入|销售额|销售收入|revenue|sales"),
    (
        "profit",
        r"归母净利润|扣非净利润|扣非后的净利润|净利润|净利|利润总额|利润|盈利|预盈|净亏损|亏损"
        r"|net income|net profit|net loss|profit|earnings",
    ),
    ("loss", r"损失|减值|计提|charge|write-?down|impairment"),
    (
        "shipments",
        r"出货量|出货|销量|交付量|交付|产量|生产|shipments?|shipped|deliver(?:ed|ies)|produc(?:e|ed|tion)",
    ),
    ("fee_rate", r"关税|税率|费率|抽成|分成|上缴|提成|levy|tariffs?|fee|cut of"),
    ("fine", r"罚款|罚金|罚没|fined|fine of|penalty"),
    ("valuation", r"估值|valuation|valued(?: \w+){0,3} at"),
    ("funding", r"融资额|融资|募资|募集资金|募集|raised|raising|funding round|funding"),
    ("investment", r"资本开支|资本支出|投资额|投资|投入|capex|capital expenditure|invest(?:ment)?"),
    ("deal_value", r"订单|合同|采购|中标|大单|deal|contract|order"),
    (
        "price",
        r"股价|售价|价格|报价|单价|收于|收报|报收|收盘价|开盘价|发行价|定价|报"
        r"|price[ds]?|closed at|trad(?:ed|ing) at",
    ),
    ("index_level", r"点位|收报|报"),
    ("spec", r"显存|内存|带宽|容量|算力|性能|功耗|功率|memory|bandwidth|capacity|performance|power"),
)
# One alternation of every row, so that a clause is scanned once: leftmost match first, and at
# one position the earlier row and the longer word win.
_CUE_RE = re.compile("|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(_CUES)), re.IGNORECASE)
_CUE_METRIC = {f"c{i}": metric for i, (metric, _) in enumerate(_CUES)}
_MONEY = ("CNY", "USD", "HKD", "EUR", "JPY", "GBP", "TWD")
_MONEY_METRICS: tuple[Metric, ...] = (
    "market_cap", "turnover", "revenue", "profit", "loss", "valuation", "funding",
    "investment", "deal_value", "fine", "market_size", "price",
)  # fmt: skip
# Which metrics each kind of unit can state. "bare" is a number with a scale word but no unit.
_BY_UNIT: dict[str, tuple[Metric, ...]] = {
    "money": _MONEY_METRICS,
    "%": ("growth_rate", "market_share", "fee_rate", "spec", "price_change"),
    "倍": ("growth_rate", "spec", "price_change"),
    "pp": ("growth_rate", "market_share"),
    "units": ("shipments",),
    "points": ("index_level",),
    "FLOPS": ("compute_capacity", "spec"),
    "B": ("spec",),
    "B/s": ("spec",),
    "W": ("spec",),
    "bare": ("market_cap", "turnover", "revenue", "profit", "valuation", "funding", "investment",
             "deal_value", "market_size", "shipments", "price", "index_level"),
}  # fmt: skip
_CHANGE_UP = (
    r"上涨|大涨|暴涨|猛涨|拉升|猛拉|冲高|走高|收涨|涨超|涨逾|涨近|涨幅|上调|调涨|提价|涨|升"
    r"|\b(?:rose|gained|jumped|surged|climbed|soared|up)\b"
)
_CHANGE_DOWN = (
    r"下跌|大跌|暴跌|重挫|收跌|跌超|跌逾|跌近|跌幅|翻绿下跌|下调|调降|降价|下降|跌|回落|下挫"
    r"|\b(?:fell|dropped|slid|declined|plunged|tumbled|lost|down|cut)\b"
)
CHANGE_VERB = re.compile(rf"(?P<down>{_CHANGE_DOWN})|(?P<up>{_CHANGE_UP})", re.IGNORECASE)
_PRICE_AFTER_MOVE = re.compile(
    rf"(?:{_CHANGE_UP}|{_CHANGE_DOWN})[^，,。；;]*?\d[\d.]*\s*%\s*(?:至|到|报|,?\s*to|,?\s*at)\s*$", re.I
)
_GROWTH_VERB = re.compile(
    r"(?P<down>下降|减少|下滑|缩减|降低|萎缩|\b(?:decreased|declined|fell|dropped)\b)"
    r"|(?P<up>增长|增加|提升|上升|暴涨|大增|翻倍|\b(?:grew|increased|rose|jumped|up)\b)",
    re.IGNORECASE,
)
_GROWTHY = ("revenue", "profit", "shipments", "market_size", "compute_capacity", "growth_rate", "investment")
_LEVEL = re.compile(r"(?:降至|升至|增至|增长至|提升至|收窄至|达到|达|为|至|到|to)\s*$")
_BASIS: tuple[tuple[Basis, re.Pattern[str]], ...] = (
    ("cagr", re.compile(r"复合增长率|年复合|CAGR|compound annual", re.I)),
    ("yoy", re.compile(r"同比|year[- ]on[- ]year|from a year earlier|year over year", re.I)),
    ("qoq", re.compile(r"环比|quarter[- ]on[- ]quarter|sequential", re.I)),
)
_GROWTH_OBJECT = (
    ("revenue", re.compile(r"营收|收入|销售额|revenue|sales", re.I)),
    ("profit", re.compile(r"净利|利润|盈利|profit|earnings|net income", re.I)),
    ("shipments", re.compile(r"出货|销量|shipments", re.I)),
    ("market_size", re.compile(r"规模|market", re.I)),
)
_AFTER: tuple[tuple[Metric, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "fee_rate",
        ("%", "money"),
        re.compile(r"\s*的?(?:费用|关税|税|抽成|分成|提成|佣金)|\s*(?:上缴|上交|交给|支付给|付给)"),
    ),
    ("fine", ("money",), re.compile(r"\s*的?(?:罚款|罚金)|\s+(?:fine|penalty)")),
    (
        "loss",
        ("money",),
        re.compile(r"\s*(?:的\S{0,4})?(?:损失|减值)|\s+(?:charge|write-?down|impairment)", re.I),
    ),
    ("deal_value", ("money", "vague"), re.compile(r".{0,12}?(?:采购|订单|大单|合同|中标)")),
    (
        "growth_rate",
        ("%", "倍"),
        re.compile(r"\s*(?:from a year (?:earlier|ago)|year[- ]on[- ]year|year over year)", re.I),
    ),
    (
        "market_share",
        ("%",),
        re.compile(r"\s*的?(?:收入|营收|份额|市场|算力消耗|需求|产能|出货)|\s+(?:share|of the market)"),
    ),
    ("shipments", ("units",), re.compile(r".{0,20}?(?:出货|销量|交付)")),
)
_QUALIFIERS: tuple[tuple[Qualifier, re.Pattern[str]], ...] = (
    (
        "near",
        re.compile(
            r"(?:接近|将近|逼近|(?<![最附靠临将接])近)(?:达|至|到)?\s*$|(?:nearly|almost|close to)\s*$", re.I
        ),
    ),
    (
        "over",
        re.compile(
            r"(?:超过|超出|超|逾|突破|多于|高于)(?:了)?\s*$"
            r"|(?:more than|over|above|upwards of|exceed(?:ed|ing)?)\s*$",
            re.I,
        ),
    ),
    (
        "approx",
        re.compile(
            r"(?:大约|约合|约为|约|大概)\s*$|(?:about|around|approximately|roughly|some|an estimated)\s*$",
            re.I,
        ),
    ),
    ("as_high_as", re.compile(r"(?:高达|多达)\s*$|(?:as (?:much|high|many) as|up to)\s*$", re.I)),
    ("at_least", re.compile(r"(?:至少|不低于|不少于)\s*$|at least\s*$", re.I)),
    (
        "under",
        re.compile(r"(?:不到|不足|低于|少于|未超过)\s*$|(?:less than|under|below|fewer than)\s*$", re.I),
    ),
    ("only", re.compile(r"(?:仅为|仅|只有)\s*$|only\s*$", re.I)),
)
_POST_QUALIFIERS: tuple[tuple[Qualifier, re.Pattern[str]], ...] = (
    ("approx", re.compile(r"\s*(?:左右|上下|or so)")),
    ("over", re.compile(r"\s*(?:以上|多|余|开外|or more)")),
    ("under", re.compile(r"\s*(?:以下|以内)")),
)
_EXPECTED = re.compile(
    r"预计|预期|预估|估计|有望|料将|将达|计划|拟|(?:expect|estimat|forecast|project)(?:s|ed|ing)?|guidance",
    re.I,
)
_POSSIBLY = re.compile(r"或将|或达|或超|(?<![或])或(?![者许])|可能|或许|\bcould\b|\bmight\b|\bmay\b", re.I)
_COMPATIBLE: dict[Metric, tuple[EntityType, ...]] = {
    "price_change": ("company", "index", "chip", "system", "model", "category"),
    "price": ("company", "chip", "system", "category", "model"),
    "index_level": ("index",),
    "market_cap": ("company", "board"),
    "turnover": ("company", "index", "board", "exchange"),
    "revenue": ("company", "category"),
    "profit": ("company",),
    "loss": ("company",),
    "growth_rate": ("company", "chip", "category", "board", "index"),
    "market_share": ("company", "chip", "category"),
    "market_size": ("category", "board"),
    "shipments": ("company", "chip", "system", "architecture", "category"),
    "spec": ("chip", "system", "architecture"),
    "fee_rate": ("company", "chip"),
    "fine": ("company",),
    "valuation": ("company",),
    "funding": ("company",),
    "investment": ("company",),
    "deal_value": ("company", "regulator"),
    "compute_capacity": ("category",),
}


@dataclass(frozen=True, slots=True)
class Cue:
    """The metric a number states and where the words that said so are (offsets into the clause)."""

    metric: Metric
    start: int
    end: int


def compatible_types(metric: Metric) -> tuple[EntityType, ...]:
    """Entity types that can be the subject of ``metric``, most likely first."""
    return _COMPATIBLE[metric]


def unit_kind(unit: str | None, *, is_vague: bool = False) -> str:
    if is_vague:
        return "vague"
    if unit is None:
        return "bare"
    base = unit.split("/")[0]
    return "money" if base in _MONEY else unit


def find_cue(before: str, unit: str | None, after: str, *, is_vague: bool = False) -> Cue | None:
    """The metric of a number from its clause text ``before`` it, its ``unit`` and the text ``after``.

    Example:
        >>> find_cue("市值超过", "CNY", "").metric
        'market_cap'
    """
    kind = unit_kind(unit, is_vague=is_vague)
    at = len(before)
    allowed = _BY_UNIT["money"] if kind == "vague" else _BY_UNIT.get(kind, ())
    # 1. Units that say it all: a price per share or ounce, index points, bytes and watts.
    if (
        kind == "money"
        and unit is not None
        and "/" in unit
        and unit.split("/")[1] not in ("year", "month", "hour")
    ):
        return Cue("price", at, at)
    if kind in ("points", "B", "B/s", "W"):
        return Cue(allowed[0], at, at)
    if kind == "money" and _PRICE_AFTER_MOVE.search(before):
        return Cue("price", at, at)  # 上涨5.53%至433.33元, rose 2.8% to $164.42
    # 2. A cue right after the number (15%的费用, $4.5 billion charge, up 56% from a year earlier).
    for metric, kinds, pattern in _AFTER:
        if kind in kinds and pattern.match(after):
            return Cue(metric, at, at)
    # 3. The nearest cue word before the number that suits its unit.
    best: Cue | None = None
    for match in _CUE_RE.finditer(before):
        metric = _CUE_METRIC[str(match.lastgroup)]
        if metric in allowed or (kind in ("%", "倍", "pp") and metric in _GROWTHY):
            best = Cue(metric, match.start(), match.end())
    # 4. Percentages and multiples: a change verb makes a price move, or a growth after a growth noun.
    if kind in ("%", "倍", "pp"):
        verb = _last(CHANGE_VERB, before)
        growth = _last(_GROWTH_VERB, before)
        if best is not None and best.metric == "growth_rate":
            return best
        if best is not None and best.metric in _GROWTHY:
            # 营收增长20%: a growth of the noun; 营收20% alone is no fact.
            return Cue("growth_rate", best.start, best.end) if growth or verb else None
        if verb is not None and (best is None or verb.end() >= best.end or best.metric == "price"):
            return Cue("price_change", verb.start(), verb.end())
        if growth is not None and best is None:
            return Cue("growth_rate", growth.start(), growth.end())
    if kind == "FLOPS" and (best is None or best.metric != "compute_capacity"):
        return Cue("spec", at, at)
    if best is not None and best.metric == "price" and kind == "bare":
        return None  # 股价5000 without a unit is ambiguous; an index level needs an index cue.
    return best


def change_sign(before: str) -> int:
    """-1 when the verb right before a change is a fall (``下跌1.1%``), else 1."""
    if _LEVEL.search(before):
        return 1
    verb = _last(CHANGE_VERB, before[-8:])
    growth = _last(_GROWTH_VERB, before[-8:])
    last = max((m for m in (verb, growth) if m is not None), key=lambda m: m.end(), default=None)
    return -1 if last is not None and last.group("down") else 1


def growth_basis(text: str) -> Basis | None:
    for basis, pattern in _BASIS:
        if pattern.search(text):
            return basis
    return None


def growth_object(sentence_before: str) -> str | None:
    best: tuple[int, str] | None = None
    for name, pattern in _GROWTH_OBJECT:
        for match in pattern.finditer(sentence_before):
            if best is None or match.end() > best[0]:
                best = (match.end(), name)
    return best[1] if best else None


def qualifiers_of(before: str, after: str, clause_before: str) -> tuple[Qualifier, ...]:
    """Hedges of a number: tight words before it, words after it, and estimate words in its clause."""
    found: list[Qualifier] = []
    tight = re.sub(r"(?:达到|达|为|至|到|了|is|was|of|at)\s*$", "", before.rstrip(), flags=re.I)
    for qualifier, pattern in _QUALIFIERS:
        if pattern.search(tight) or pattern.search(before):
            found.append(qualifier)
            break
    for qualifier, pattern in _POST_QUALIFIERS:
        if pattern.match(after) and qualifier not in found:
            found.append(qualifier)
    if _EXPECTED.search(clause_before):
        found.append("expected")
    elif _POSSIBLY.search(clause_before[-12:]):
        found.append("possibly")
    return tuple(found)


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for match in pattern.finditer(text):
        last = match
    return last
