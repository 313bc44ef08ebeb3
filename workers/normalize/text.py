"""Text clean-up shared by every field: Unicode NFC, odd spaces, invisible characters, collapsed whitespace."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

# No-break, thin, narrow no-break, figure, en/em spaces, ideographic space and tabs read as one space.
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Soft hyphen, zero-width space/joiners, word joiner, BOM: invisible, and they break search and matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(text: str) -> str:
    """NFC, odd spaces folded, whitespace collapsed inside each paragraph, paragraphs kept.
    Quotes (« » „ “) and dashes are kept as written."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    paragraphs = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(p for p in paragraphs if p)


def clean_line(text: str) -> str:
    """One-line value (title, author, credit): like clean_text, with line breaks folded too."""
    return " ".join(clean_text(text).split("\n"))


def element_text(element: etree._Element) -> str:
    return clean_line(" ".join(element.itertext()))


def cyrillic_share(text: str) -> float:
    letters = [c for c in text[:4000] if c.isalpha()]
    if not letters:
        return 0.0
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)
