"""Dates as publishers print them -> timezone-aware datetimes.

Markup timestamps (ISO 8601) come first; printed dates are parsed by the patterns below (the common
Russian and English forms, relative ones against the fetch time) and, failing those, by dateparser.
A value without a zone is wall time in the site's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MOSCOW = ZoneInfo("Europe/Moscow")
UTC = ZoneInfo("UTC")

# Month words as printed in dates (genitive "января" and nominative "январь"), and English names.
RU_MONTHS = {
    word: number
    for number, forms in enumerate(
        ("января январь", "февраля февраль", "марта март", "апреля апрель", "мая май", "июня июнь",
         "июля июль", "августа август", "сентября сентябрь", "октября октябрь", "ноября ноябрь",
         "декабря декабрь"),
        start=1,
    )
    for word in forms.split()
}  # fmt: skip
EN_MONTHS = {
    word: number
    for number, forms in enumerate(
        ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
         "august aug", "september sept sep", "october oct", "november nov", "december dec"),
        start=1,
    )
    for word in forms.split()
}  # fmt: skip
# Zone abbreviations printed after times; the wall time is read in that zone.
ZONE_WORDS = {
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "gmt": "UTC", "utc": "UTC", "bst": "Europe/London", "msk": "Europe/Moscow", "мск": "Europe/Moscow",
}  # fmt: skip

_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
_ZONE = r"(?:\s*\(?(?P<zone>" + "|".join(ZONE_WORDS) + r")\)?)?"
_JOIN = r"(?:\s*(?:,|\||/|в|at|г\.|года|-|—|–)?\s*)*"
_RU_MONTH = r"(?P<month>" + "|".join(sorted(RU_MONTHS, key=len, reverse=True)) + r")\b"
_EN_MONTH = r"(?P<month>" + "|".join(sorted(EN_MONTHS, key=len, reverse=True)) + r")\b\.?"

# name -> regex; tried in order on the text, first match wins. Kept as data so a new form is one line.
PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(rx, re.IGNORECASE)
    for name, rx in {
        "iso": r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ]" + _TIME + r")?",
        # "14:05, 17.01.2026" before "17.01.2026", or the time would be lost.
        "time-dmy": _TIME + _JOIN + r"(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./](?P<year>\d{4})",
        "dmy": r"(?<![\d.])(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./](?P<year>\d{4})(?:" + _JOIN + _TIME + r")?",
        "time-ru-words": _TIME + _JOIN + r"(?P<day>\d{1,2})\s+" + _RU_MONTH + r"(?:\s+(?P<year>\d{4}))?",
        "ru-words": r"(?<!\d)(?P<day>\d{1,2})\s+" + _RU_MONTH + r"(?:\s+(?P<year>\d{4}))?(?:" + _JOIN + _TIME + r")?",
        "en-mdy": _EN_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})(?:" + _JOIN + _TIME + r")?" + _ZONE,
        "en-dmy": r"(?<!\d)(?P<day>\d{1,2})\s+"
        + _EN_MONTH
        + r",?\s+(?P<year>\d{4})(?:"
        + _JOIN
        + _TIME
        + r")?"
        + _ZONE,
        "day-word": r"(?P<word>сегодня|вчера|позавчера|today|yesterday)(?:" + _JOIN + _TIME + r")?" + _ZONE,
        "ago": r"(?P<count>\d+|одн[уа]|один|an?|one)?\s*(?P<unit>минут[уы]?|мин\.?|час(?:а|ов)?|"
        r"д(?:ень|ня|ней)|minutes?|mins?|hours?|hrs?|days?)\s+(?P<ago>назад|ago)",
    }.items()
}
_DAY_WORDS = {"сегодня": 0, "today": 0, "вчера": 1, "yesterday": 1, "позавчера": 2}


@dataclass(frozen=True)
class FoundDate:
    value: datetime  # timezone-aware
    pattern: str  # which pattern matched: "iso", "ru-words", "ago", "dateparser"...
    has_time: bool


@lru_cache(maxsize=64)
def zone_named(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_iso(value: str, zone: tzinfo) -> datetime | None:
    """An ISO 8601 timestamp from markup; without an offset it is wall time in `zone`."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        found = parse_date_text(value, zone=zone, now=None, fallback=False)
        return found.value if found else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def parse_date_text(text: str, *, zone: tzinfo, now: datetime | None, fallback: bool = True) -> FoundDate | None:
    """The first date printed in `text`. `now` (the fetch time) anchors relative forms; without it,
    relative forms are not read."""
    text = text.strip()
    if not text or len(text) > 200:
        return None
    for name, pattern in PATTERNS.items():
        match = pattern.search(text)
        if match and (found := _from_match(name, match, zone, now)):
            return found
    return _dateparser(text, zone, now) if fallback else None


def _from_match(name: str, m: re.Match[str], zone: tzinfo, now: datetime | None) -> FoundDate | None:
    groups = m.groupdict()
    zone = zone_named(ZONE_WORDS.get((groups.get("zone") or "").lower())) or zone
    when = _clock(groups)
    try:
        if name == "ago":
            if now is None:
                return None
            return FoundDate(now - _span(groups["count"], groups["unit"]), name, True)
        if name == "day-word":
            if now is None:
                return None
            day = now.astimezone(zone).date() - timedelta(days=_DAY_WORDS[groups["word"].lower()])
        else:
            day = date(_year(groups, now, zone), _month(groups["month"]), int(groups["day"]))
    except (ValueError, KeyError, OverflowError):
        return None
    value = datetime.combine(day, when or time(0, 0), tzinfo=zone)
    if now is not None and not groups.get("year") and name not in ("day-word",) and value > now + timedelta(days=1):
        value = value.replace(year=value.year - 1)  # "17 января" printed in January, read in December
    return FoundDate(value, name, when is not None)


def _clock(groups: dict[str, str | None]) -> time | None:
    if groups.get("hour") is None:
        return None
    hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _month(token: str) -> int:
    token = token.lower().rstrip(".")
    if token.isdigit():
        return int(token)
    return EN_MONTHS.get(token) or RU_MONTHS[token]


def _year(groups: dict[str, str | None], now: datetime | None, zone: tzinfo) -> int:
    if groups.get("year"):
        return int(groups["year"] or 0)
    return (now or datetime.now(zone)).astimezone(zone).year


def _span(count: str | None, unit: str) -> timedelta:
    n = int(count) if count and count.isdigit() else 1
    unit = unit.lower()
    if unit.startswith(("мин", "min")):
        return timedelta(minutes=n)
    if unit.startswith(("час", "hour", "hr")):
        return timedelta(hours=n)
    return timedelta(days=n)


def _dateparser(text: str, zone: tzinfo, now: datetime | None) -> FoundDate | None:
    """Last resort for forms the patterns do not know. Only texts that look like a date reach it."""
    if not re.search(r"\d", text):
        return None
    import dateparser  # slow to import; most pages never need it

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}
    if now is not None:
        settings["RELATIVE_BASE"] = now.astimezone(zone).replace(tzinfo=None)
    parsed = dateparser.parse(text, languages=["ru", "en"], settings=settings)  # type: ignore[arg-type]
    if parsed is None:
        return None
    value = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return FoundDate(value, "dateparser", bool(parsed.hour or parsed.minute))
