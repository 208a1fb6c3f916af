"""Parse the publish dates that Chinese and English news pages and feeds print.

Common Chinese and numeric forms go through small regular expressions; only what they
miss reaches dateparser, which is slow to import and to call the first time.
"""

from __future__ import annotations

import email.utils
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

_TIME = (
    r"(?:(?:T|\s*)(?P<hour>\d{1,2})\s*[:时]\s*(?P<minute>\d{2})(?:\s*分)?"
    r"(?::(?P<second>\d{2})(?:\.\d+)?)?(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2})(?!\d))?)?"
)
_YMD = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?:"
    r"\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})(?:\s*[日号]|(?!\d))"
    r"|(?P<sep>[-/.])(?P<month2>\d{1,2})(?P=sep)(?P<day2>\d{1,2})(?!\d))" + _TIME
)
_MD = re.compile(r"(?<!\d)(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]" + _TIME)
_REL = re.compile(r"(?P<rel>今天|昨天|前天|(?i:today|yesterday))" + _TIME)
_AGO = re.compile(r"(?<!\d)(?P<amount>\d{1,3})\s*(?P<unit>分钟|小时|天)前")
_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_EN_TIME = (
    r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:[+-]\d{4}|[A-Z]{3,4}))?)?"
)
_EN_DATES = (
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b" + _EN_TIME),
    re.compile(rf"\b\d{{1,2}}\s+{_MONTH}\s+(?:19|20)\d{{2}}\b" + _EN_TIME),
)
_DATEPARSER_MAX_CHARS = 100


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found inside a longer text: the matched substring (after NFKC) and its value."""

    text: str
    moment: datetime


def parse_date(text: str, *, tz: ZoneInfo, now: datetime) -> datetime | None:
    """Parse a date string into an aware datetime; dates without a zone get ``tz``.

    ``now`` anchors relative forms (``昨天``, ``3小时前``) and dates without a year, which
    become the most recent such date not after ``now``. Returns None when nothing parses.

    Example:
        >>> parse_date("发布时间：2025年8月24日 14:30", tz=ZoneInfo("Asia/Shanghai"),
        ...            now=datetime(2025, 8, 25, tzinfo=ZoneInfo("Asia/Shanghai"))).isoformat()
        '2025-08-24T14:30:00+08:00'
    """
    normalized = unicodedata.normalize("NFKC", text).strip()
    if not normalized:
        return None
    local_now = _local_now(now, tz)
    # 1. Machine formats that feeds and metadata use: RFC 2822 and ISO 8601 (dateparser costs ~25 ms each).
    machine = _machine_date(normalized, tz)
    if machine is not None:
        return machine
    # 2. Chinese, numeric and English month-name forms anywhere in the string.
    found = _first_date(normalized, tz, local_now, allow_bare_relative=True)
    if found is not None:
        return found.moment
    # 3. dateparser for the rest (other English forms).
    if len(normalized) <= _DATEPARSER_MAX_CHARS and re.search(r"\d", normalized):
        return _dateparser(normalized, tz, local_now)
    return None


_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _machine_date(text: str, tz: ZoneInfo) -> datetime | None:
    parsed: datetime | None = None
    try:
        if _RFC2822.match(text):
            parsed = email.utils.parsedate_to_datetime(text)
        elif _ISO.match(text):
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)


def find_date_in_text(text: str, *, tz: ZoneInfo, now: datetime) -> datetime | None:
    """Return the first date-like substring of a longer text (a page header line), parsed.

    Bare ``今天``/``昨天`` count only with a time, since body text uses them freely.
    """
    found = find_date(text, tz=tz, now=now)
    return found.moment if found is not None else None


def find_date(text: str, *, tz: ZoneInfo, now: datetime) -> FoundDate | None:
    """Like :func:`find_date_in_text`, but also return the substring that holds the date."""
    normalized = unicodedata.normalize("NFKC", text)
    return _first_date(normalized, tz, _local_now(now, tz), allow_bare_relative=False)


def _local_now(now: datetime, tz: ZoneInfo) -> datetime:
    return now.astimezone(tz) if now.tzinfo is not None else now.replace(tzinfo=tz)


def _first_date(
    text: str, tz: ZoneInfo, local_now: datetime, *, allow_bare_relative: bool
) -> FoundDate | None:
    matches = sorted(_matches(text), key=lambda m: (m.start(), -len(m.group())))
    for match in matches:
        if match.re is _REL and match.group("hour") is None and not allow_bare_relative:
            continue
        if match.re in _EN_DATES:
            parsed = _dateparser(match.group(), tz, local_now)
        else:
            parsed = _build(match, tz, local_now)
        if parsed is not None:
            return FoundDate(match.group().strip(), parsed)
    return None


def _matches(text: str) -> Iterator[re.Match[str]]:
    for pattern in (_YMD, _MD, _REL, _AGO, *_EN_DATES):
        yield from pattern.finditer(text)


def _build(match: re.Match[str], tz: ZoneInfo, local_now: datetime) -> datetime | None:
    groups = match.groupdict()
    if match.re is _AGO:
        unit = {"分钟": "minutes", "小时": "hours", "天": "days"}[groups["unit"]]
        moment = local_now - timedelta(**{unit: int(groups["amount"])})
        return moment.replace(second=0, microsecond=0)
    if match.re is _REL:
        back = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}[groups["rel"].lower()]
        day: date | None = local_now.date() - timedelta(days=back)
    elif match.re is _MD:
        day = _recent_month_day(int(groups["month"]), int(groups["day"]), local_now.date())
    else:
        month = groups["month"] or groups["month2"]
        day_of_month = groups["day"] or groups["day2"]
        day = _safe_date(int(groups["year"]), int(month), int(day_of_month))
    if day is None:
        return None
    zone: tzinfo = tz if groups["offset"] is None else _offset(groups["offset"])
    try:
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(groups["hour"] or 0),
            int(groups["minute"] or 0),
            int(groups["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return moment.astimezone(tz)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _recent_month_day(month: int, day: int, today: date) -> date | None:
    # Look back a few years so that 2月29日 still finds the last leap year.
    for year in range(today.year, today.year - 5, -1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= today:
            return candidate
    return None


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _dateparser(text: str, tz: ZoneInfo, local_now: datetime) -> datetime | None:
    import dateparser  # slow import, only needed when the fast path fails

    settings = {
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "TIMEZONE": tz.key or "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    parsed: datetime | None = dateparser.parse(text, languages=["en", "zh"], settings=settings)
    if parsed is None:
        logger.debug("No date in %r", text)
        return None
    return parsed.astimezone(tz)
