"""Who says it: cited sources in the text, a wire dateline at its start and the agency signature at its end."""

from __future__ import annotations

import re

from workers.normalize.record import Dateline

# A name as news text prints it: «Quoted», "Quoted", or one to three capitalised words (Autonews.ru, ТАСС,
# ГУ МЧС, Transit Riders Union). Lower-case names ("сообщили в мэрии") are not taken.
_NAME = r"(?P<name>«[^»]{2,50}»|\"[^\"]{2,50}\"|[A-ZА-ЯЁ][\w-]*(?:\.[a-zа-я]{2,6})?(?:\s[A-ZА-ЯЁ][\w-]*){0,2})"
_MEDIA = (
    r"(?:(?:пресс-служб[аыу]|издани[еяю]|агентств[оа]|информагентств[оа]|газет[аыу]|портал[а]?|телеканал[а]?|сайт[а]?|журнал[а]?"
    r"|аналитического|информационного|аналитики|эксперты|специалисты)\s+)*"
)
CITED_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(rx)
    for name, rx in {
        # A word start and a possible first letter before the case-blind alternation: ten times faster.
        "ru-before": r"(?<!\w)(?=[псиуорПСИУОР])"
        r"(?i:по данным|по информации|по сведениям|согласно данным|сообщает|сообщают|сообщил[аио]?"
        r"|передает|передаёт|пишет|пишут|информирует|уточнял[аио]?|уточняет|приводит|приводят|со ссылкой на"
        r"|по словам источника|следует из данных|из данных|подсчитали|посчитали|отмечают|считают"
        r"|собеседник|рассказал[аи]? изданию)\s+" + _MEDIA + _NAME,
        "ru-after": _NAME + r",?\s+(?:пишет|писала?|писало|сообщает|сообщила?|сообщило|передает|передаёт|уточняет)\b",
        "en": r"(?<!\w)(?=[artcART])(?i:according to|reported by|citing|told)\s+(?:the\s+)?" + _NAME,
        "en-after": _NAME + r",?\s+(?:reported|reports)\b",
    }.items()
}
# Words that look like names at a sentence start but are not sources.
_NOT_SOURCES = {"Как", "При", "Это", "Также", "The", "This", "He", "She", "They", "It", "Об", "По", "В", "На"}

# Wire agencies as they sign or date their items, in any case ("Интерфакс", "ИНТЕРФАКС", "INTERFAX.RU").
KNOWN_AGENCIES = (
    r"(?:ИТАР-)?ТАСС|РИА\s+[«\"]?Новости[»\"]?|Интерфакс(?:-[А-ЯЁа-яё]+)?|Interfax(?:\.ru)?|ПРАЙМ|Прайм|ПраймПресс"
    r"|Росбалт|REGNUM|ИА\s+REGNUM|Регнум|Sputnik|Спутник|БелТА|УНИАН|Укринформ|Маркет\s+Репорт|MRC|Reuters|Рейтер"
    r"|Associated\s+Press|AP|AFP|Франс\s+Пресс|Bloomberg|Блумберг|dpa|Xinhua|Синьхуа|Kyodo|EFE|ANSA|UPI|Anadolu"
)
_AGENCY = rf"(?i:{KNOWN_AGENCIES})"
# A newsroom's brand in one word: "ПраймПресс", "НефтьИнформ", "RusNews".
_BRAND = r"[A-ZА-ЯЁ][a-zа-яё]+(?:Пресс|Press|Информ|Инфо|Info|Ньюс|News|Медиа|Media|Репорт|Report|Маркет|ТВ|TV)"
DATELINE_PATTERNS = (
    # МОСКВА (Маркет Репорт) -- ...   /   MOSCOW, Jan 17 (Reuters) - ...
    re.compile(
        r"^(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ .'-]{1,40}?)(?:,\s*[^()\n]{1,25}?)?\s*(?:\((?P<agency>[^)]{2,40})\))?"
        r"\s*(?P<dash>--|—|–|-)\s+"
    ),
    # МОСКВА, 17 января. /ТАСС/.
    re.compile(r"^(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ .-]{1,40}?),\s*[^/\n]{1,25}?\s*/(?P<agency>[^/\n]{2,40})/\.?\s*"),
    # МОСКВА, 24 окт — РИА Новости.   /   МОСКВА, 11 июн - РИА Новости, Анна Иванова.
    re.compile(
        r"^(?P<place>[A-ZА-ЯЁ][\w .-]{1,40}?),\s*(?=[^\n]{0,25}\d)[^\n—–-]{1,25}?\s*(?:—|–|-)\s*"
        rf"(?P<agency>{_AGENCY})(?:,\s*[А-ЯЁA-Z][\w-]+(?:\s[А-ЯЁA-Z][\w-]+){{0,2}})?\.\s+"
    ),
    # Москва. 24 октября. INTERFAX.RU - ...
    re.compile(
        r"^(?P<place>[A-ZА-ЯЁ][\w .-]{1,40}?)\.\s*(?=[^\n]{0,25}\d)[^\n.]{1,25}\.\s*"
        rf"(?P<agency>{_AGENCY})\s*(?:--|—|–|-)\s+"
    ),
)
SIGNATURE_LINE = re.compile(
    r"^(?:[A-ZА-ЯЁ]{2,10}(?:[ -][A-ZА-ЯЁ]{2,10})?|(?:©|\(c\))\s*\S.{0,30}"
    # a known agency in any case, or one brand-shaped word ("ПраймПресс"), bare or in brackets or after a dash
    rf"|(?:[—–-]\s*)?[(/]?(?:{_AGENCY}|{_BRAND})[)/]?\.?)$"
)
SIGNATURE_TAIL = re.compile(rf"(?<=[.!?»\"])\s+[(/]?(?P<sig>[A-ZА-ЯЁ]{{2,6}}|{_AGENCY}|{_BRAND})[)/]?\.?$")
_KNOWN_AGENCY = re.compile(rf"^{_AGENCY}$")
HEADING_MAX_CHARS = 200
# All-capitals last lines that are page furniture, not an agency's signature.
NOT_SIGNATURES = re.compile(r"^(?:READ MORE|MORE|SHARE|ADVERTISEMENT|ANZEIGE|WERBUNG|РЕКЛАМА|END|TOP|ЧИТАЙТЕ ТАКЖЕ)$")
_LOWER_PARTICLES = {"На", "Де", "Ла", "Ле", "Дю", "Упон", "Upon", "On", "De", "La"}


def cited_sources(text: str) -> list[str]:
    found: dict[str, str] = {}
    for pattern in CITED_PATTERNS.values():
        for match in pattern.finditer(text):
            name = match.group("name").strip('«»"').rstrip(".,")
            if name in _NOT_SOURCES or len(name) < 2:
                continue
            found.setdefault(name.casefold(), name)
    return list(found.values())


def split_dateline(text: str) -> tuple[Dateline | None, str]:
    """(dateline, text without it). An all-capitals place (any place with a known agency) at the very start,
    or at the start of the second line when the first is a short heading left over from the page (a
    subtitle above `МОСКВА, 11 июн - РИА Новости.`); then the dateline must name a known agency."""
    found = _dateline_at_start(text)
    if found:
        return found[0], text[found[1] :]
    head, newline, rest = text.partition("\n")
    if newline and len(head) <= HEADING_MAX_CHARS:
        found = _dateline_at_start(rest)
        if found and found[0].agency and _KNOWN_AGENCY.match(found[0].agency):
            return found[0], f"{head}\n{rest[found[1] :]}"
    return None, text


def _dateline_at_start(text: str) -> tuple[Dateline, int] | None:
    for pattern in DATELINE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        place = match.group("place").strip(" ,")
        agency = (match.group("agency") or "").strip() or None
        if agency and re.search(r"\d", agency):
            agency = None  # "WASHINGTON (January 24, 2017) —": a date in brackets, not an agency
        letters = [c for c in place if c.isalpha()]
        known = bool(agency and _KNOWN_AGENCY.match(agency))
        if len(letters) < 3 or not (known or all(c.isupper() for c in letters)):
            continue  # an all-capitals place, or any place when a known agency dates the item
        if agency is None and match.groupdict().get("dash") != "--":
            continue  # "МВД - ведомство…" starts a sentence; a dateline names its agency or uses "--"
        return Dateline(text=match.group(0).strip(), place=_place_name(place), agency=agency), match.end()
    return None


def split_signature(text: str) -> tuple[str | None, str]:
    """(agency signature, text without it): a last line such as `MRC` or `© Reuters`, or a trailing `MRC`."""
    head, _, last = text.rpartition("\n")
    if head and SIGNATURE_LINE.match(last.strip()) and not NOT_SIGNATURES.match(last.strip()):
        return last.strip().lstrip("©—–-").removeprefix("(c)").strip(" ()/."), head
    match = SIGNATURE_TAIL.search(text)
    if match:
        return match.group("sig"), text[: match.start()]
    return None, text


def _place_name(place: str) -> str:
    words = re.split(r"([ -])", place.title())
    return "".join(w.lower() if i and w in _LOWER_PARTICLES else w for i, w in enumerate(words))
