"""Dates as publishers print them -> timezone-aware datetimes.

Markup timestamps (ISO 8601, and the malformed ones seen in the wild) come first; printed dates are
parsed by the patterns below (Russian and the Latin-script languages' common forms, month-first ones,
relative ones against the fetch time) and, failing those, by dateparser. A value without a zone is wall
time in the site's zone (site_zone: the domain's country, else the page's language). The day a URL
states (url_date) is evidence the readers in fields.py weigh against the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MOSCOW = ZoneInfo("Europe/Moscow")
UTC = ZoneInfo("UTC")

# Month words as printed in dates (genitive "января", nominative "январь", abbreviations "февр."). The
# abbreviations are only read in dates with a year or a time around them (see PATTERNS).
RU_MONTHS = {
    word: number
    for number, forms in enumerate(
        ("января январь янв", "февраля февраль февр фев", "марта март мар", "апреля апрель апр", "мая май",
         "июня июнь июн", "июля июль июл", "августа август авг", "сентября сентябрь сент сен",
         "октября октябрь окт", "ноября ноябрь нояб ноя", "декабря декабрь дек"),
        start=1,
    )
    for word in forms.split()
}  # fmt: skip
# Latin-script month names of the languages the crawler meets (en, de, fr, es, it, pt, nl) and their
# common abbreviations; none of them means two months. ("ago", Spanish August, is left out: "2 days ago".)
EN_MONTHS = {
    word: number
    for number, forms in enumerate(
        ("january jan januar jänner janvier janv enero gennaio gen janeiro januari",
         "february feb februar feber février févr fevrier fevr febrero febbraio fevereiro februari",
         "march mar märz mär maerz mars marzo março maart",
         "april apr avril avr abril aprile",
         "may mai mayo maggio maio mei",
         "june jun juni juin junio giugno junho",
         "july jul juli juillet juil julio luglio julho",
         "august aug august août aout agosto augustus",
         "september sept sep septembre septiembre setiembre settembre setembro",
         "october oct oktober okt octobre octubre ottobre outubro",
         "november nov novembre noviembre novembro",
         "december dec dezember dez décembre déc decembre diciembre dicembre dezembro"),
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

_TIME = r"(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
_ZONE = r"(?:\s*\(?(?P<zone>" + "|".join(ZONE_WORDS) + r")\)?)?"
_JOIN = r"(?:\s*(?:,|\||/|в|at|um|à|a las|alle|om|г\.|года|-|—|–)?\s*)*"
_RU_MONTH = r"(?P<month>" + "|".join(sorted(RU_MONTHS, key=len, reverse=True)) + r")\b\.?"
_EN_MONTH = r"(?P<month>" + "|".join(sorted(EN_MONTHS, key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"

# name -> regex; tried in order on the text, first match wins. Kept as data so a new form is one line.
PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(rx, re.IGNORECASE)
    for name, rx in {
        "iso": r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ]" + _TIME + r")?",
        # "14:05, 17.01.2026" before "17.01.2026", or the time would be lost.
        "time-dmy": _TIME + _JOIN + r"(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./]" + _YEAR,
        "dmy": r"(?<![\d.])(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./]" + _YEAR + r"(?:" + _JOIN + _TIME + r")?",
        "ymd": r"(?<![\d.])" + _YEAR + r"[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})(?![\d.])(?:" + _JOIN + _TIME + ")?",
        "time-ru-words": _TIME + _JOIN + r"(?P<day>\d{1,2})\s+" + _RU_MONTH + r"(?:\s+" + _YEAR + ")?",
        "ru-words": r"(?<!\d)(?P<day>\d{1,2})\s+" + _RU_MONTH + r"(?:\s+" + _YEAR + r")?(?:" + _JOIN + _TIME + r")?",
        # "февр. 02 2012, 13:34", "Мар 1, 2021": month first, always with a year.
        "ru-mdy": _RU_MONTH + r"\s*(?P<day>\d{1,2}),?\s+" + _YEAR + r"(?:" + _JOIN + _TIME + r")?",
        "en-mdy": _EN_MONTH + r"\s*" + _DAY + r",?\s+" + _YEAR + r"(?:" + _JOIN + _TIME + r")?" + _ZONE,
        # "12 January 2022", "12. Januar 2022", "3 de febrero de 2022", "27 juin 2019 à 10h30"
        "en-dmy": r"(?<!\d)" + _DAY + r"\s*(?:de\s+)?" + _EN_MONTH + r",?\s+(?:de\s+)?" + _YEAR
        + r"(?:" + _JOIN + _TIME + r")?" + _ZONE,
        # "11.03.12 2:51": a two-digit year only with a time after it (else it may be a version or a score).
        "dmy-short": r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{2})(?![\d.])" + _JOIN + _TIME,
        "day-word": r"(?P<word>сегодня|вчера|позавчера|today|yesterday)(?:" + _JOIN + _TIME + r")?" + _ZONE,
        "ago": r"(?P<count>\d+|одн[уа]|один|an?|one)?\s*(?P<unit>минут[уы]?|мин\.?|час(?:а|ов)?|"
        r"д(?:ень|ня|ней)|minutes?|mins?|hours?|hrs?|days?)\s+(?P<ago>назад|ago)",
    }.items()
}  # fmt: skip
_DAY_WORDS = {"сегодня": 0, "today": 0, "вчера": 1, "yesterday": 1, "позавчера": 2}


@dataclass(frozen=True)
class FoundDate:
    value: datetime  # timezone-aware
    pattern: str  # which pattern matched: "iso", "ru-words", "ago", "dateparser"...
    has_time: bool
    has_year: bool = True  # False for "8 января" (year taken from the fetch time) and relative forms


@lru_cache(maxsize=64)
def zone_named(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


# Malformed markup timestamps seen in the wild: basic format ("20171024T1348+0300Z"), junk after the
# seconds ("2017-05-10T08:05:48.48T+00:0010"). Read as date, time and, when there is one, the first offset.
_LOOSE_ISO = re.compile(
    r"^(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})[T ](?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2}))?"
    r"[^+\-Zz]*(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2}))?"
)


def parse_iso(value: str, zone: tzinfo) -> datetime | None:
    """An ISO 8601 timestamp from markup; without an offset it is wall time in `zone`."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = _loose_iso(value) or _rfc2822(value)
        if parsed is None:
            found = parse_date_text(value, zone=zone, now=None, fallback=False)
            return found.value if found else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _loose_iso(value: str) -> datetime | None:
    m = _LOOSE_ISO.match(value)
    if not m:
        return None
    offset: tzinfo | None = None
    if m["utc"]:
        offset = UTC
    elif m["sign"]:
        minutes = int(m["oh"]) * 60 + int(m["om"])
        offset = timezone(timedelta(minutes=minutes if m["sign"] == "+" else -minutes))
    try:
        return datetime(
            int(m["year"]),
            int(m["month"]),
            int(m["day"]),
            int(m["hour"]),
            int(m["minute"]),
            int(m["second"] or 0),
            tzinfo=offset,
        )
    except ValueError:
        return None


def _rfc2822(value: str) -> datetime | None:
    """ "Sat, 19 Oct 2019 00:04:00 +0200", as in <meta name="date"> and feeds."""
    if not re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", value):
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


_DIGITS = re.compile(r"\d")
# Words that may stand beside a date on a line of its own: labels, "Uhr", "в", zone names.
DATE_LINE_WORDS = re.compile(
    r"(?i)^(?:stand|updated|last updated|published|posted|on|am|um|uhr|at|le|el|il|опубликовано|обновлено|"
    r"изменено|дата публикации|в|г|года|msk|мск|gmt|utc|cet|cest|est|edt|pst|pdt|cst|bst|veröffentlicht|"
    r"aktualisiert|zuletzt|mis|à|jour|publié)$"
)


def is_date_line(line: str) -> bool:
    """A line that is only a date stamp ("Stand: 03.08.2020 13:14 Uhr", "17 января 2026, 14:05"), with at
    most a label: the page's dateline furniture, never a sentence of the article."""
    if len(line) > 60 or not _DIGITS.search(line) or any(bar in line for bar in "|│") or line.rstrip().endswith(":"):
        return False  # a table row, or a heading over the entries of a changelog
    for pattern in PATTERNS.values():
        match = pattern.search(line)
        if match:
            rest = re.findall(r"[^\W\d_]+", line[: match.start()] + " " + line[match.end() :])
            return all(DATE_LINE_WORDS.match(word) for word in rest)
    return False


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
            return FoundDate(now - _span(groups["count"], groups["unit"]), name, True, False)
        if name == "day-word":
            if now is None or when is None:
                return None  # "Сегодня" / "Today" alone labels the current date, not a timestamp
            day = now.astimezone(zone).date() - timedelta(days=_DAY_WORDS[groups["word"].lower()])
        else:
            day = date(_year(groups, now, zone), _month(groups["month"]), int(groups["day"]))
    except (ValueError, KeyError, OverflowError):
        return None
    value = datetime.combine(day, when or time(0, 0), tzinfo=zone)
    if now is not None and not groups.get("year") and name not in ("day-word",) and value > now + timedelta(days=1):
        value = value.replace(year=value.year - 1)  # "17 января" printed in January, read in December
    return FoundDate(value, name, when is not None, bool(groups.get("year")))


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
        year = int(groups["year"] or 0)
        return year + (2000 if year < 70 else 1900) if year < 100 else year
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
    if parsed is None or parsed.microsecond:
        return None  # microseconds come from the clock: dateparser read no date, only "now"
    value = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    if now is not None and abs(value - now) < timedelta(minutes=1):
        return None
    return FoundDate(value, "dateparser", bool(parsed.hour or parsed.minute), bool(re.search(r"\d{4}", text)))


# The article's day written in its URL: /2021/03/01/, /24/10/2017/ (day first), /20171024/, -2021-11-02-.
URL_DATES = (
    re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:[/_.-]|$)"),
    re.compile(r"/(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>(?:19|20)\d{2})(?:/|$)"),
    re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?P<sep>[-_]?)(?P<month>\d{2})(?P=sep)(?P<day>\d{2})(?![\d.])"),
    re.compile(r"(?<![\d.])(?P<day>\d{2})-(?P<month>\d{2})-(?P<year>(?:19|20)\d{2})(?![\d.])"),
    re.compile(r"/(?P<day>\d{1,2})(?P<month>[a-z]{3})(?P<year>(?:19|20)\d{2})/", re.IGNORECASE),  # /27jan2012/
)
URL_MONTH = re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/")
_ARCHIVE_PREFIX = re.compile(r"^/web/\d+/")  # web.archive.org/web/<capture time>/<original URL>


def url_date(url: str | None) -> date | None:
    """The publication day a URL states, if any (only the path; a query or an archive's capture stamp is
    not the article's date)."""
    if not url:
        return None
    path = urlsplit(url).path
    path = _ARCHIVE_PREFIX.sub("/", path)
    for pattern in URL_DATES:
        for m in pattern.finditer(path):
            try:
                return date(int(m["year"]), _month(m["month"]), int(m["day"]))
            except (ValueError, KeyError):
                continue
    return None


def url_month(url: str | None) -> tuple[int, int] | None:
    """(year, month) of an archive-style URL (/2021/01/slug/): the year of a year-less printed date."""
    m = URL_MONTH.search(_ARCHIVE_PREFIX.sub("/", urlsplit(url).path)) if url else None
    return (int(m["year"]), int(m["month"])) if m and 1 <= int(m["month"]) <= 12 else None


# Where a page's wall time is, when the site rules do not say: by the country of the site's domain, then by
# the page's language where one zone covers (nearly) everyone who writes it. English spans too many zones.
_CET = "Europe/Berlin"
TLD_ZONES = {
    "de": _CET, "at": _CET, "ch": _CET, "fr": _CET, "it": _CET, "es": _CET, "nl": _CET, "be": _CET, "lu": _CET,
    "pl": _CET, "cz": _CET, "sk": _CET, "hu": _CET, "dk": _CET, "se": _CET, "no": _CET, "hr": _CET, "si": _CET,
    "rs": _CET, "uk": "Europe/London", "ie": "Europe/London", "pt": "Europe/Lisbon", "fi": "Europe/Helsinki",
    "gr": "Europe/Athens", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "ua": "Europe/Kiev",
    "by": "Europe/Minsk", "ru": "Europe/Moscow", "kz": "Asia/Almaty", "jp": "Asia/Tokyo", "cn": "Asia/Shanghai",
}  # fmt: skip
LANGUAGE_ZONES = {
    "de": _CET, "fr": _CET, "it": _CET, "nl": _CET, "pl": _CET, "cs": _CET, "sk": _CET, "hu": _CET, "da": _CET,
    "sv": _CET, "nb": _CET, "no": _CET, "hr": _CET, "sl": _CET, "ru": "Europe/Moscow", "uk": "Europe/Kiev",
    "be": "Europe/Minsk", "ja": "Asia/Tokyo", "el": "Europe/Athens", "ro": "Europe/Bucharest",
}  # fmt: skip


def site_zone(url: str | None, language: str | None) -> tzinfo | None:
    host = urlsplit(url).hostname or "" if url else ""
    tld = host.rsplit(".", 1)[-1].lower()
    name = TLD_ZONES.get(tld) or LANGUAGE_ZONES.get((language or "").lower()[:2])
    return zone_named(name)


def is_utc(value: datetime) -> bool:
    return value.utcoffset() == timedelta(0)
