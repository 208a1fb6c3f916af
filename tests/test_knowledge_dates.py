"""Date and period expressions anchored to the publish date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from suanli.knowledge import find_dates
from suanli.knowledge.dates import local_date

ANCHOR = date(2025, 8, 24)


def labels(text: str, anchor: date | None = ANCHOR) -> list[str]:
    return [d.period.label for d in find_dates(text, anchor)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8月22日国产算力板块大涨", "2025-08-22"),
        ("2025年8月22日", "2025-08-22"),
        ("2025-08-22", "2025-08-22"),
        ("今年4月，美国政府禁止销售", "2025-04"),
        ("转机出现在7月", "2025-07"),
        ("2025年Q1营收", "2025-Q1"),
        ("2025年第一季度", "2025-Q1"),
        ("今年一季度", "2025-Q1"),
        ("去年四季度", "2024-Q4"),
        ("2021H1营收", "2021-H1"),
        ("上半年", "2025-H1"),
        ("2021年1-6月净利润", "2021-H1"),
        ("前三季度", "2025-01/2025-09"),
        ("2023至2028年复合增长率", "2023/2028"),
        ("2024年开始少量供货", "2024"),
        ("今年以来", "2025-01-01/2025-08-24"),
        ("6月至今的涨幅", "2025-06-01/2025-08-24"),
        ("10月20日至23日在北京召开", "2025-10-20/2025-10-23"),
        ("今日", "2025-08-24"),
        ("昨天", "2025-08-23"),
        ("周三", "2025-08-20"),
        ("上周三", "2025-08-13"),
        ("甲骨文股价9日大涨", "2025-08-09"),
        ("On Aug. 22, Nvidia said", "2025-08-22"),
        ("August 22, 2024", "2024-08-22"),
        ("revenue for September", "2025-09"),
        ("in the second quarter of 2025", "2025-Q2"),
        ("Q2 2026", "2026-Q2"),
        ("from 2023 to 2028", "2023/2028"),
        ("shares fell on Thursday", "2025-08-21"),
        ("last year", "2024"),
    ],
)
def test_expression_is_anchored_to_the_publish_date(text: str, expected: str) -> None:
    assert labels(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2026财年第三季度",
        "first quarter of fiscal 2026",
        "FY2026 Q3",
        "6个月",
        "2300多年",
        "近5日均线",
        "公司预计下一季度",
        "上年同期",
    ],
)
def test_non_calendar_expressions_give_no_date(text: str) -> None:
    assert labels(text) == []


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("12月30日讯", date(2025, 1, 3), "2024-12-30"),
        ("1月5日开幕", date(2025, 12, 28), "2026-01-05"),
        ("四季度", date(2026, 1, 20), "2025-Q4"),
        ("预计9月发布", date(2025, 8, 24), "2025-09"),
    ],
)
def test_yearless_date_takes_the_nearest_plausible_year(text: str, anchor: date, expected: str) -> None:
    assert labels(text, anchor) == [expected]


def test_local_time_is_flagged() -> None:
    [mention] = find_dates("当地时间8月21日，英伟达通知供应商", ANCHOR)
    assert mention.period.label == "2025-08-21" and mention.is_local_time
    [english] = find_dates("on Aug 21 local time", ANCHOR)
    assert english.is_local_time
    [plain] = find_dates("8月21日", ANCHOR)
    assert not plain.is_local_time


def test_offsets_index_the_original_text_with_full_width_digits() -> None:
    text = "截至８月２２日收盘"
    [mention] = find_dates(text, ANCHOR)
    assert text[mention.start : mention.end] == mention.text == "８月２２日"
    assert mention.period.label == "2025-08-22"


def test_without_an_anchor_only_explicit_years_remain() -> None:
    assert labels("8月22日和2025年Q1以及今年4月", None) == ["2025-Q1"]


def test_local_date_uses_the_given_zone() -> None:
    when = datetime(2025, 8, 23, 20, 0, tzinfo=UTC)
    assert local_date(when) == date(2025, 8, 24)
    assert local_date(when, ZoneInfo("UTC")) == date(2025, 8, 23)
    assert local_date(datetime(2025, 8, 23, 20, 0)) == date(2025, 8, 23)
