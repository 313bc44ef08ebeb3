"""What follows an article's last paragraph but is not the article: the site's imprint (the legally required
footer of a Russian online outlet, a copyright and contact block) and the byline repeated at the end.
Pure functions over the body text's lines, applied from the last line up and stopping at the first line of
prose, so nothing inside the article is touched."""

from __future__ import annotations

import re

# A line of a site's imprint: registration, editors, rights, contacts. One marker alone (a "©" in a
# photo credit, a phone number in a story) is not enough: the block must hold several such lines.
IMPRINT_MARKER = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|все права (?:защищены|принадлежат)|права на материалы"
    r"|авторских прав|роскомнадзор|свидетельство о регистрации|зарегистрирован[оа]?\b|учредител[ья]"
    r"|главный редактор|шеф-редактор|редакци[яи]\b|18\+|[\w.+-]+@[\w-]+\.[\w.]+"
    r"|(?:тел|phone|fax|факс)\.?\s*:?\s*\+?\d|(?:\+\d|\(\d{3,5}\)\s*\d|\b8-800-)[\d ()-]{6,}\d",
    re.IGNORECASE,
)
IMPRINT_MIN_LINES = 3
# "Авторы:", "Автор:", "Текст:", "By", "Author(s):" alone on a line, or before the names.
BYLINE_LABEL = re.compile(r"^(?:авторы?|текст|подготовил[аи]?|by|authors?|written by)\s*:?\s*", re.IGNORECASE)


def trim_tail(text: str, authors: list[str]) -> str:
    """The body without a trailing imprint block and without the byline repeated after the last paragraph."""
    lines = text.split("\n")
    end = _imprint_start(lines)
    end = _byline_start(lines[:end], authors)
    return "\n".join(lines[:end]) if end > 0 else text


def _imprint_start(lines: list[str]) -> int:
    """Index of the first line of a trailing imprint block, or len(lines). The block is the longest run of
    last lines each of which carries an imprint marker or is a short label between them."""
    start = len(lines)
    marked = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if IMPRINT_MARKER.search(line):
            marked += 1
        elif len(line) > 60 or line.rstrip().endswith((".", "!", "?", "»", '"')):
            break  # a sentence without a marker: the article's last paragraph
        start = index
    return start if marked >= IMPRINT_MIN_LINES else len(lines)


def _byline_start(lines: list[str], authors: list[str]) -> int:
    """Index of the trailing byline lines: an author label, alone or before names, and lines that are only
    the record's authors."""
    if not authors:
        return len(lines)
    known = {_name_key(a) for a in authors}
    start = len(lines)
    for index in range(len(lines) - 1, 0, -1):
        line = lines[index].strip()
        rest = BYLINE_LABEL.sub("", line, count=1) if BYLINE_LABEL.match(line) else line
        names = [_name_key(part) for part in re.split(r",|\s+и\s+|\s+and\s+", rest.rstrip(".")) if part.strip()]
        if (not rest and line) or (names and all(n in known for n in names)):
            start = index
            continue
        break
    return start


def _name_key(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())
