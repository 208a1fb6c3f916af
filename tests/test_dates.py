from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from suanli.text.dates import find_date, find_date_in_text, parse_date

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 8, 25, 12, 0, tzinfo=TZ)


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年8月24日", _at(2025, 8, 24)),
        ("2025年8月24日 14:30", _at(2025, 8, 24, 14, 30)),
        ("2025年08月24日10:32", _at(2025, 8, 24, 10, 32)),
        ("2025 年 8 月 24 日", _at(2025, 8, 24)),
        ("2026-02-05 07:36", _at(2026, 2, 5, 7, 36)),
        ("2026-02-05 07:36:09", _at(2026, 2, 5, 7, 36, 9)),
        ("2026/02/05", _at(2026, 2, 5)),
        ("2026.02.05", _at(2026, 2, 5)),
        ("发布时间：2025-08-24 10:00", _at(2025, 8, 24, 10, 0)),
        ("来源：证券时报网 2025-08-24", _at(2025, 8, 24)),
        ("２０２５年８月２４日　１４：３０", _at(2025, 8, 24, 14, 30)),
        ("今天 09:15", _at(2025, 8, 25, 9, 15)),
        ("昨天", _at(2025, 8, 24)),
        ("前天 18:00", _at(2025, 8, 23, 18, 0)),
        ("3小时前", _at(2025, 8, 25, 9, 0)),
        ("15分钟前", _at(2025, 8, 25, 11, 45)),
    ],
)
def test_parse_date_reads_chinese_and_numeric_forms(text, expected):
    assert parse_date(text, tz=TZ, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aug 24, 2025", _at(2025, 8, 24)),
        ("August 24, 2025 2:30 PM", _at(2025, 8, 24, 14, 30)),
        ("24 August 2025", _at(2025, 8, 24)),
        ("Sun, 24 Aug 2025 10:00:00 +0000", datetime(2025, 8, 24, 10, 0, tzinfo=UTC)),
        ("Sun, 24 Aug 2025 10:00:00 GMT", datetime(2025, 8, 24, 10, 0, tzinfo=UTC)),
        ("2025-08-24T10:00:00-05:00", datetime(2025, 8, 24, 15, 0, tzinfo=UTC)),
        ("2025-08-24T02:00:00Z", datetime(2025, 8, 24, 2, 0, tzinfo=UTC)),
        ("2025-08-24T10:00:00+0800", _at(2025, 8, 24, 10, 0)),
    ],
)
def test_parse_date_reads_english_feed_and_iso_forms(text, expected):
    parsed = parse_date(text, tz=TZ, now=NOW)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


def test_parse_date_gives_dates_without_zone_the_given_zone():
    parsed = parse_date("2025-08-24 10:00", tz=ZoneInfo("Europe/Berlin"), now=NOW)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=2)


def test_parse_date_without_year_takes_this_year_when_not_after_now():
    assert parse_date("8月24日", tz=TZ, now=_at(2025, 8, 25)) == _at(2025, 8, 24)


def test_parse_date_without_year_takes_last_year_when_this_year_is_ahead():
    assert parse_date("8月24日", tz=TZ, now=_at(2025, 8, 20)) == _at(2024, 8, 24)


def test_parse_date_without_year_finds_last_leap_day():
    assert parse_date("2月29日", tz=TZ, now=_at(2025, 8, 25)) == _at(2024, 2, 29)


def test_parse_date_accepts_naive_now_as_local_time():
    assert parse_date("昨天", tz=TZ, now=datetime(2025, 8, 25, 1, 0)) == _at(2025, 8, 24)


def test_parse_date_uses_now_in_the_target_zone():
    # 20:00 UTC on the 24th is already the 25th in Shanghai.
    now_utc = datetime(2025, 8, 24, 20, 0, tzinfo=UTC)
    assert parse_date("今天", tz=TZ, now=now_utc) == _at(2025, 8, 25)


@pytest.mark.parametrize("text", ["", "   ", "hello", "国产算力板块大涨", "2025年13月40日", "May"])
def test_parse_date_returns_none_when_nothing_parses(text):
    assert parse_date(text, tz=TZ, now=NOW) is None


def test_find_date_in_text_takes_first_date_of_a_header_line():
    line = "记者 王晓明 2025年08月24日 10:32 来源：证券时报网 更新于2025-08-25"
    assert find_date_in_text(line, tz=TZ, now=NOW) == _at(2025, 8, 24, 10, 32)


def test_find_date_in_text_reads_english_dates_inside_a_line():
    line = "By Jane Doe | Updated Aug 24, 2025 at 9:05 am"
    assert find_date_in_text(line, tz=TZ, now=NOW) == _at(2025, 8, 24, 9, 5)


def test_find_date_in_text_ignores_bare_today_in_body_text():
    assert find_date_in_text("今天，国产算力板块迎来大幅上涨。", tz=TZ, now=NOW) is None
    assert find_date_in_text("今天 14:30 更新", tz=TZ, now=NOW) == _at(2025, 8, 25, 14, 30)


def test_find_date_in_text_returns_none_without_a_date():
    assert find_date_in_text("寒武纪涨停，报每股1243.20元。", tz=TZ, now=NOW) is None


def test_find_date_returns_the_matched_substring():
    found = find_date("发布时间：2026年9月1日 09:00 来源：算力资讯网", tz=TZ, now=NOW)
    assert found is not None
    assert found.text == "2026年9月1日 09:00"
    assert found.moment == _at(2026, 9, 1, 9, 0)


def test_feed_dates_take_the_machine_format_fast_path() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2025, 10, 1, tzinfo=tz)
    expected = datetime(2025, 9, 29, 21, tzinfo=tz)
    assert parse_date("Mon, 29 Sep 2025 21:00:00 +0800", tz=tz, now=now) == expected
    assert parse_date("2025-09-29T13:00:00Z", tz=tz, now=now) == datetime(2025, 9, 29, 21, tzinfo=tz)
