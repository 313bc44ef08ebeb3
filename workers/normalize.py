"""Raw page -> article record, as a pure function (no I/O): the Celery task is a thin adapter over it.

The HTML is decoded once (HTTP header, BOM, <meta charset>, then detection, via w3lib) and parsed once;
trafilatura extracts title, main text and date from that tree.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from w3lib.encoding import html_to_unicode

MOSCOW = timezone(timedelta(hours=3), "MSK")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f\u2007]+")


class NormalizeError(ValueError):
    """The page cannot become an article record; `reason` says why, for the failures table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ArticleRecord:
    url: str  # canonical
    title: str | None
    text: str
    published_at: datetime | None
    language: str | None
    content_hash: str


def normalize_page(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    max_bytes: int = 10 * 1024 * 1024,
) -> ArticleRecord:
    if not body:
        raise NormalizeError("empty body")
    if len(body) > max_bytes:
        raise NormalizeError(f"body of {len(body)} bytes is over the {max_bytes}-byte cap")
    if content_type and content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        raise NormalizeError(f"not HTML: content type {content_type!r}")

    _, html = html_to_unicode(content_type, body)
    tree = _parse(html)

    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if doc is None or not (doc.text or "").strip():
        raise NormalizeError("no article text found")

    title = clean_text(doc.title) if doc.title else None
    text = _without_title(clean_text(doc.text), title)
    canonical = canonical_url(tree, url)
    return ArticleRecord(
        url=canonical,
        title=title,
        text=text,
        published_at=_published_from_markup(tree) or _published(doc.date),
        language=_language(tree) or doc.language,
        content_hash=hashlib.sha256(f"{title}\n{text}".encode()).hexdigest(),
    )


def clean_text(text: str) -> str:
    """NFC, odd spaces folded, whitespace collapsed inside each paragraph, paragraphs kept."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\u200b", "")
    paragraphs = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(p for p in paragraphs if p)


def canonical_url(tree: etree._Element, url: str) -> str:
    """<link rel=canonical> when it points at the same host, else the fetched URL."""
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        candidate = urljoin(url, str(href).strip())
        if urlsplit(candidate).netloc == urlsplit(url).netloc:
            return candidate
    return url


def _parse(html: str) -> etree._Element:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise NormalizeError(f"unparseable HTML: {exc}") from exc


def _language(tree: etree._Element) -> str | None:
    lang = tree.get("lang") or next(iter(tree.xpath("//meta[@http-equiv='content-language']/@content")), None)
    return str(lang).split("-")[0].lower() if lang else None


def _without_title(text: str, title: str | None) -> str:
    """trafilatura may start the text with the headline; the record keeps it in `title` only."""
    first, _, rest = text.partition("\n")
    return rest if title and first == title and rest else text


# Full timestamps that publishers put in markup; they carry time and offset, a text date does not.
_PUBLISHED_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//article//time[@datetime]/@datetime",
)


def _published_from_markup(tree: etree._Element) -> datetime | None:
    candidates = [str(v) for xp in _PUBLISHED_XPATHS for v in tree.xpath(xp)]
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        found = re.search(r'"datePublished"\s*:\s*"([^"]+)"', script)
        if found:
            candidates.insert(0, found.group(1))
    for value in candidates:
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo:
            return parsed
    return None


def _published(value: str | None) -> datetime | None:
    """trafilatura returns a date (YYYY-MM-DD); without a zone it is taken as Moscow midnight."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=MOSCOW)
