"""View counters as printed -> an integer: `602`, `2 741 просмотр`, `1,2 тыс.`, `12K views`, `Просмотров: 1 100`."""

from __future__ import annotations

import re

_MULTIPLIERS = {"тыс": 1_000, "k": 1_000, "к": 1_000, "млн": 1_000_000, "m": 1_000_000, "м": 1_000_000}
_NUMBER = re.compile(
    r"(?<![\d.,])(?P<number>\d{1,3}(?:[ \u00a0\u202f\u2009,.]\d{3})+|\d+(?:[.,]\d+)?)"
    r"\s*(?P<mult>тыс|млн|[kmкм])?\.?(?![\w])",
    re.IGNORECASE,
)
# A counter label: the number must sit next to one of these words, or be the whole text of a views element.
VIEWS_WORDS = re.compile(r"просмотр\w*|прочтени\w*|views?\b|reads?\b|показ\w*", re.IGNORECASE)


def parse_views(text: str, *, labelled: bool = False) -> int | None:
    """The count in `text`. With labelled=False the text is a views element's own text (a bare number is
    fine); with labelled=True the number must come with a views word, as in running text."""
    text = text.strip()
    if not text or len(text) > 80:
        return None
    if labelled:
        return _labelled(text)
    match = _NUMBER.search(text)
    if not match:
        return None
    return _to_int(match.group("number"), match.group("mult"))


def parse_counter(text: str) -> int | None:
    """A counter element's text: the number, alone or with a views word ("10,2k", "👁 602", "Просмотров: 602").
    Any other word or number ("10 Фото", "1/10") means it counts something else."""
    text = text.strip()
    match = _NUMBER.search(text) if len(text) <= 40 else None
    if not match:
        return None
    rest = VIEWS_WORDS.sub("", text[: match.start()] + " " + text[match.end() :])
    if re.search(r"[^\W_]", rest):
        return None  # another word or number: "10 Фото", "1/10", "5 комментариев"
    return _to_int(match.group("number"), match.group("mult"))


def _labelled(text: str) -> int | None:
    """The number next to the views word: "2 603 просмотра" or "Просмотров: 602", not the "2" of
    "2 часа назад" printed on the same line."""
    for word in VIEWS_WORDS.finditer(text):
        before = list(_NUMBER.finditer(text[: word.start()]))
        if before and not text[before[-1].end() : word.start()].strip(" :"):
            return _to_int(before[-1].group("number"), before[-1].group("mult"))
        after = _NUMBER.match(text[word.end() :].lstrip(" :\u00a0"))
        if after:
            return _to_int(after.group("number"), after.group("mult"))
    return None


def _to_int(number: str, mult: str | None) -> int | None:
    factor = _MULTIPLIERS.get(mult.lower()) if mult else None
    if factor:
        # With a multiplier the comma or dot is decimal: "1,2 тыс." is 1200.
        compact = re.sub(r"[ \u00a0\u202f\u2009]", "", number).replace(",", ".")
        try:
            return round(float(compact) * factor)
        except ValueError:
            return None
    digits = re.sub(r"[ \u00a0\u202f\u2009,.]", "", number)
    if re.fullmatch(r"\d+[.,]\d{1,2}", number):
        return None  # "4.5" without a multiplier is a rating, not a count
    return int(digits) if digits.isdigit() else None
