"""The headline: the visible heading that the page's own metadata agrees with.

The first <h1> is not always the headline: it can be the site's name, a rubric, a newsletter box or the
intro, and the headline may be an <h2>. The page states its headline up to four more times (JSON-LD
headline, og:title, twitter:title, <title> with the site's name around it), so a heading that one of those
statements agrees with is the headline; a heading nothing agrees with is taken only when the page has
one <h1> and no metadata, or when the metadata is missing altogether.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from workers.normalize.text import clean_line, element_text

# Separators between a headline and the site's name or section in <title> / og:title.
SEGMENT_SEPARATOR = re.compile(r"\s+(?:[|•·—–‹›»«/~*]|::|-{1,2})\s+|\s*\|\s*|:\s+|\s+_\s+|_(?=\S)")
_SEPARATOR_NO_COLON = re.compile(r"\s+(?:[|•·—–‹›»«/~*]|::|-{1,2})\s+|\s*\|\s*|\s+_\s+|_(?=\S)")
_QUOTES = " \"'«»“”„"
_TOKEN = re.compile(r"\w+")
_ENTITY = re.compile(r"&(?:#\w+|[a-zA-Z]+);")
# Russian letters in Latin, as hosts spell a Cyrillic site name.
_TRANSLIT = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
                           "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
                           "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
                           "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"})  # fmt: skip
AGREEING_F1 = 0.8  # two wordings of one headline ("A Guide to X" / "The Guide to X")
CONTAINED_SHARE = 0.5  # a heading inside a longer statement must be at least half of it
SHORT_SITE_PART = 3  # words; a heading this short made of the site name's words is the site's name
MAX_INNER = 8  # inner elements of a heading tried as badge or kicker
HEADINGS_PER_TAG = 12  # a page's first dozen h1 / h2 are enough: the headline is near the top


@dataclass(frozen=True)
class Statement:
    """A headline as the page's metadata states it: the text and where it came from."""

    text: str
    via: str


def tokens(text: str) -> tuple[str, ...]:
    return tuple(t.casefold() for t in _TOKEN.findall(text))


def unescape(text: str) -> str:
    """Metadata is sometimes escaped twice (`&amp;quot;`): one more round where entities remain."""
    return clean_line(html.unescape(text)) if _ENTITY.search(text) else clean_line(text)


def segments(text: str, colon: bool = True) -> list[str]:
    """The parts between separators; a colon separates too unless `colon` is false ("Name: quote")."""
    parts = (SEGMENT_SEPARATOR if colon else _SEPARATOR_NO_COLON).split(text)
    return [s.strip(_QUOTES) for s in parts if s and s.strip(_QUOTES)]


def choose_headline(
    headings: Iterable[tuple[etree._Element, str]],
    statements: Sequence[Statement],
    site_names: Iterable[str],
    single_h1: etree._Element | None,
) -> tuple[str, str] | None:
    """(headline, provenance). `headings` in order of preference: (element, kind such as 'h1');
    `single_h1` is the article's only <h1>, taken when no statement agrees with any heading."""
    sites = _site_tokens(statements, site_names)
    pieces = _pieces(statements, sites)
    tried: set[str] = set()
    for element, kind in headings if pieces else ():
        # Inner parts (badge, kicker) only for the article's own h1; a text already tried is not tried again.
        variants = _variants(element, inner=kind == "h1")
        if not variants or variants[0] in tried or _is_site(variants[0], sites):
            continue
        tried.add(variants[0])
        agreed = _agreement(variants, pieces, loose=kind == "h1")
        if agreed is not None:
            return agreed, f"html:{kind} (agrees with {_agreeing_source(agreed, pieces)})"
    if single_h1 is not None and (text := unescape(element_text(single_h1))) and not _is_site(text, sites):
        return text, "html:h1"
    for statement in statements:
        core = _core(statement.text, sites, statements)
        if core == unescape(statement.text) and statement.via == "html:title":
            # Nothing known about the site: "Headline | Section | Site" keeps its longest part.
            core = max(segments(core, colon=False) or [core], key=len)
        if core:
            return core, statement.via
    for element, kind in headings:  # no metadata at all: the article's first h1
        if kind == "h1" and (text := unescape(element_text(element))) and not _is_site(text, sites):
            return text, "html:h1"
    return None


def _site_tokens(statements: Sequence[Statement], site_names: Iterable[str]) -> set[tuple[str, ...]]:
    """The site's name as token tuples: declared names (and the host), plus the parts of <title> outside a
    headline that og:title or JSON-LD states."""
    sites = {tokens(n) for n in site_names if tokens(n)}
    texts = [s.text for s in statements]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            ta, tb = tokens(a), tokens(b)
            if ta != tb and contains(ta, tb):
                sites.update(tokens(seg) for seg in segments(a) if not contains(tb, tokens(seg)))
            elif ta != tb and contains(tb, ta):
                sites.update(tokens(seg) for seg in segments(b) if not contains(ta, tokens(seg)))
    sites.discard(())
    # A "site name" that is the headline itself comes from broken markup (a publisher named after the article).
    sites.difference_update(tokens(t) for t in texts)
    return sites


def _is_site(text: str, sites: set[tuple[str, ...]]) -> bool:
    """Empty, or the site's name; a Cyrillic name is also compared with the Latin host ("Грани.Ру", grani.ru)."""
    found = tokens(text)
    if not found or found in sites or tokens(text.lower().translate(_TRANSLIT)) in sites:
        return True
    # A short heading made of the site name's words ("Minecraft News" on "Minecraft Update News").
    return len(found) <= SHORT_SITE_PART and any(set(found) <= set(site) for site in sites)


Piece = tuple[tuple[str, ...], str, bool]  # tokens, source, whether it is the statement whole (or its core)


def _pieces(statements: Sequence[Statement], sites: set[tuple[str, ...]]) -> list[Piece]:
    """Every statement whole and without the site's name, and each of its segments that is not the site."""
    pieces = []
    for statement in statements:
        pieces.append((tokens(statement.text), statement.via, True))
        pieces.append((tokens(_core(statement.text, sites, statements)), statement.via, True))
        parts = segments(statement.text) + segments(statement.text, colon=False)
        if len(parts) > 2:
            pieces.extend((tokens(p), statement.via, False) for p in parts if not _is_site(p, sites))
    return [p for p in pieces if p[0]]


def _variants(element: etree._Element, inner: bool = True) -> list[str]:
    """The heading's text, then its text without one inner element (a badge, a kicker, a comment counter
    inside the <h1>), then each inner element's own text (a headline split into spans)."""
    whole = unescape(element_text(element))
    if not whole:
        return []
    found = [whole]
    if not inner:
        return found
    parts = [el for el in element.iterdescendants() if isinstance(el.tag, str) and el.text_content().strip()]
    for child in parts[:MAX_INNER]:
        found.append(unescape(clean_line(" ".join(_text_without(element, child)))))
        found.append(unescape(element_text(child)))
    return [v for v in found if v]


def _text_without(element: etree._Element, left_out: etree._Element) -> list[str]:
    """The element's text pieces, leaving out one inner element's text (its tail stays)."""
    parts = [element.text or ""]
    for child in element:
        if child is not left_out and isinstance(child.tag, str):
            parts.extend(_text_without(child, left_out))
        parts.append(child.tail or "")
    return parts


def _agreement(variants: list[str], pieces: list[Piece], loose: bool) -> str | None:
    """The variant that a statement agrees with: the heading word for word with a statement or a segment
    of one, a part of the heading with a whole statement; then (`loose`) the whole heading when a
    statement words it almost alike or one holds the other."""
    whole = tokens(variants[0])
    if any(whole == piece for piece, _, _ in pieces):
        return variants[0]
    for variant in variants[1:]:
        if any(tokens(variant) == piece for piece, _, is_whole in pieces if is_whole):
            return variant
    if not loose:
        return None
    for piece, _, _ in pieces:
        if _f1(whole, piece) >= AGREEING_F1:
            return variants[0]
        shorter, longer = (whole, piece) if len(whole) <= len(piece) else (piece, whole)
        if len(shorter) >= 2 and len(shorter) >= CONTAINED_SHARE * len(longer) and contains(longer, shorter):
            return variants[0]
    return None


def _agreeing_source(text: str, pieces: list[Piece]) -> str:
    found = tokens(text)
    for piece, via, _ in pieces:
        if piece == found:
            return via
    for piece, via, _ in pieces:
        if _f1(found, piece) >= AGREEING_F1 or contains(piece, found) or contains(found, piece):
            return via
    return pieces[0][1] if pieces else ""


def _core(text: str, sites: set[tuple[str, ...]], statements: Sequence[Statement]) -> str:
    """A statement without the site's name: the segments that are not the site, kept whole when they
    are all headline; when several remain, the longest one another statement also has."""
    text = _strip_site_words(unescape(text), sites)
    parts = segments(text)
    if len(parts) <= 1:
        return text
    kept = [p for p in parts if not _is_site(p, sites)]
    if not kept:
        return text
    if len(kept) == len(parts):
        return text
    if len(kept) == 1:
        return kept[0]
    others = {tokens(seg) for s in statements for seg in segments(unescape(s.text)) if unescape(s.text) != text}
    shared = [p for p in kept if tokens(p) in others]
    if shared:
        return max(shared, key=len)
    return _strip_site_ends(text, sites)


def _strip_site_words(text: str, sites: set[tuple[str, ...]]) -> str:
    """The site's name glued to the headline without a separator ("davidbau.com Vibe Coding")."""
    found = tokens(text)
    for site in sites:
        if len(found) > len(site) and (found[: len(site)] == site or found[-len(site) :] == site):
            words = r"\W+".join(re.escape(w) for w in site)
            stripped = re.sub(rf"^\W*{words}(?!\w)\W*|\W*(?<!\w){words}\W*$", "", text, count=1, flags=re.IGNORECASE)
            if tokens(stripped):
                return stripped.strip()
    return text


def _strip_site_ends(text: str, sites: set[tuple[str, ...]]) -> str:
    """Drop a site-name segment from the start or the end of the text, keeping the text between as written."""
    pieces = SEGMENT_SEPARATOR.split(text)
    separators = SEGMENT_SEPARATOR.findall(text)
    while len(pieces) > 1 and _is_site(pieces[-1], sites):
        pieces.pop()
        separators.pop()
    while len(pieces) > 1 and _is_site(pieces[0], sites):
        pieces.pop(0)
        separators.pop(0)
    out = pieces[0]
    for sep, piece in zip(separators, pieces[1:], strict=False):
        out += sep + piece
    return out.strip(_QUOTES + " ")


def contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    n = len(shorter)
    return 0 < n <= len(longer) and any(tuple(longer[i : i + n]) == tuple(shorter) for i in range(len(longer) - n + 1))


def _f1(a: Sequence[str], b: Sequence[str]) -> float:
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(b), common / len(a)
    return 2 * precision * recall / (precision + recall)
