"""Number, range, date and qualifier parsing for the citation check."""

from __future__ import annotations

import pytest

from suanli.summary.numbers import (
    Quantity,
    fold_width,
    parse_dates,
    parse_quantities,
    same_date,
    same_quantity,
)


def one(text: str) -> Quantity:
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("9.87%", 9.87, "%"),
        ("5000亿元", 5.0e11, "CNY"),
        ("5,000亿", 5.0e11, ""),
        ("2.29万亿", 2.29e12, ""),
        ("2.29万亿元", 2.29e12, "CNY"),
        ("42.3倍", 42.3, "倍"),
        ("96GB", 96e9, "B"),
        ("4.0TB/s", 4.0e12, "B/s"),
        ("1037.3 EFLOPS", 1037.3e18, "FLOPS"),
        ("5000亿美元", 5.0e11, "USD"),
        ("$46.7 billion", 46.7e9, "USD"),
        ("US$500bn", 5.0e11, "USD"),
        ("433.33元/股", 433.33, "CNY"),
        ("3.5个百分点", 3.5, "pp"),
        ("50 basis points", 50.0, "bp"),
        ("20 percent", 20.0, "%"),
        ("3x", 3.0, "倍"),
        ("800 Gbps", 800e9, "b/s"),
        ("2000万", 2.0e7, ""),
        ("5 nm", 5.0, "nm"),
        ("1.2 GW", 1.2e9, "W"),
        ("12,345.6 million", 12345.6e6, ""),
    ],
)
def test_parse_quantities_normalises_scale_and_unit(text: str, value: float, unit: str) -> None:
    quantity = one(text)
    assert quantity.value == pytest.approx(value)
    assert quantity.unit == unit
    assert quantity.high is None


def test_parse_quantities_reads_fullwidth_digits_and_keeps_offsets() -> None:
    text = "上涨９．８７％，规模５０００亿元"
    first, second = parse_quantities(text)
    assert first.value == pytest.approx(9.87) and first.unit == "%"
    assert text[first.start : first.end] == "９．８７％" == first.text
    assert second.value == pytest.approx(5.0e11) and second.unit == "CNY"
    assert fold_width("ＡＢ１２％") == "AB12%"


def test_thousands_separator_and_scale_give_the_same_value() -> None:
    assert one("5,000亿").value == one("5000亿").value == one("0.5万亿").value


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("15%-30%", 15.0, 30.0, "%"),
        ("15-30%", 15.0, 30.0, "%"),
        ("15%至30%", 15.0, 30.0, "%"),
        ("15% to 30%", 15.0, 30.0, "%"),
        ("1-2万亿元", 1e12, 2e12, "CNY"),
    ],
)
def test_parse_quantities_reads_ranges(text: str, low: float, high: float, unit: str) -> None:
    quantity = one(text)
    assert quantity.is_range
    assert quantity.value == pytest.approx(low)
    assert quantity.high == pytest.approx(high)
    assert quantity.unit == unit


@pytest.mark.parametrize("text", ["H20芯片", "昇腾910C", "DeepSeek-V3.1", "GLM-4.5", "800G光模块", "MI300X"])
def test_product_codes_are_not_numbers(text: str) -> None:
    assert parse_quantities(text) == []


def test_dates_are_not_numbers() -> None:
    assert parse_quantities("2025年8月22日，2025-08-22") == []
    assert [q.text for q in parse_quantities("2025年营收28.81亿元")] == ["28.81亿元"]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("涨近3%", "近"),
        ("约55亿美元", "约"),
        ("超过5000亿元", "超过"),
        ("涨超8%", "超"),
        ("逾100家", "逾"),
        ("高达46.2%", "高达"),
        ("接近30%", "接近"),
        ("至少2000块", "至少"),
        ("不到10%", "不到"),
        ("预计未来六个季度业务规模达5000亿美元", "预计"),
        ("市场规模或将达到1.2万亿美元", "或将"),
        ("可能损失80亿美元", "可能"),
        ("3000亿元左右", "左右"),
        ("100多家", "多"),
        ("nearly 20%", "nearly"),
        ("about $54 billion", "about"),
        ("more than $350 billion", "more than"),
        ("up to 30%", "up to"),
        ("revenue is expected to reach $500 billion", "expected"),
    ],
)
def test_parse_quantities_finds_qualifiers(text: str, qualifier: str) -> None:
    assert parse_quantities(text)[-1].qualifier == qualifier


@pytest.mark.parametrize(
    "text", ["最近3年营收增长50%", "在附近2公里", "营收增长50%", "In May 2025 revenue rose 5%"]
)
def test_parse_quantities_does_not_invent_qualifiers(text: str) -> None:
    assert all(q.qualifier is None for q in parse_quantities(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8月22日", (None, 8, 22)),
        ("2025年", (2025, None, None)),
        ("2025-08-22", (2025, 8, 22)),
        ("2025年8月22日", (2025, 8, 22)),
        ("2025年8月", (2025, 8, None)),
        ("２０２５年８月２２日", (2025, 8, 22)),
        ("Aug. 22, 2025", (2025, 8, 22)),
        ("22 August 2025", (2025, 8, 22)),
        ("in 2025 Nvidia", (2025, None, None)),
    ],
)
def test_parse_dates(text: str, expected: tuple[int | None, int | None, int | None]) -> None:
    (date,) = parse_dates(text)
    assert (date.year, date.month, date.day) == expected


def test_parse_dates_ignores_durations_and_invalid_months() -> None:
    assert parse_dates("持续3个月") == []
    assert parse_dates("第20月") == []


def test_same_quantity_matches_equal_values_and_range_ends() -> None:
    stated = one("15%-30%")
    assert same_quantity(one("15%-30%"), stated)
    assert same_quantity(one("30%"), stated)
    assert not same_quantity(one("20%"), stated)
    assert same_quantity(one("5,000亿"), one("5000亿美元"))  # a unit-less claim accepts any unit
    assert not same_quantity(one("5000亿元"), one("5000亿美元"))
    assert not same_quantity(one("9.9%"), one("9.87%"))


def test_same_date_requires_every_stated_field() -> None:
    (full,) = parse_dates("2025年8月22日")
    (month_day,) = parse_dates("8月22日")
    (other_year,) = parse_dates("2024年8月22日")
    assert same_date(month_day, full)
    assert not same_date(full, month_day)
    assert not same_date(other_year, full)


def test_qualify_units_limits_the_hedge_look_up_to_those_units() -> None:
    text = "营收预计超500亿元，股价涨超4%，毛利率约52.3%。"
    full = parse_quantities(text)
    assert [(q.unit, q.qualifier) for q in full] == [("CNY", "超"), ("%", "超"), ("%", "约")]
    only_pct = parse_quantities(text, qualify_units={"%"})
    assert [(q.unit, q.qualifier) for q in only_pct] == [("CNY", None), ("%", "超"), ("%", "约")]
    # everything but the qualifier is the same
    assert [(q.text, q.value, q.start) for q in only_pct] == [(q.text, q.value, q.start) for q in full]
