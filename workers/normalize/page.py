"""Raw page -> article record, as a pure function (no I/O): the Celery task and the `extract` command are
thin adapters over `normalize_page`.

Order matters: structured data is read first (JSON-LD lives in <script>), then boilerplate blocks are
dropped, the article's scope is found and each field read inside it; the elements that served as
metadata are removed and the main text is extracted from what is left (trafilatura, or the site rule's
body selector). The page is decoded once and parsed once; every step shares that tree.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Callable
from configparser import ConfigParser
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
import trafilatura.settings
from lxml import etree

from scrapy_project.urls import canonical, same_site
from workers.normalize import fields, rubric
from workers.normalize.attribution import cited_sources, split_dateline, split_signature
from workers.normalize.credits import credit_from_text, images_in_scope
from workers.normalize.dates import MOSCOW, UTC, is_date_line, zone_named
from workers.normalize.decode import check_size_and_type, decode_html, undo_content_encoding
from workers.normalize.markup import read_markup
from workers.normalize.record import ArticleRecord, Image, NormalizeError
from workers.normalize.rules import SiteRules
from workers.normalize.scope import (
    article_scope,
    drop_boilerplate,
    non_space_length,
    prose_length,
    remove,
    text_container,
    unwrap_layout_tables,
)
from workers.normalize.tail import trim_tail
from workers.normalize.text import clean_line, clean_text, cyrillic_share, element_text

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_LOOKS_LIKE_HTML = re.compile(r"<(?:html|head|body|p|div|article|h1|title)\b", re.IGNORECASE)
FAST_MIN_CHARS = 200
PROSE_LINE_WORDS = 6
FAST_MIN_SHARE = 0.2  # of the pruned page's prose, in characters without spaces
_BODY_BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "pre"}


def normalize_page(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    rules: SiteRules | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    content_encoding: str | None = None,
) -> ArticleRecord:
    """HTML bytes (plain, gzip, or in the codings `content_encoding` names) + URL + fetch time + optional
    site rules -> the article record. Raises NormalizeError, and only that, for a page that cannot become one."""
    check_size_and_type(body, content_type, max_bytes)
    body = undo_content_encoding(body, content_encoding, max_bytes)
    html, _ = decode_html(body, content_type)
    if not _LOOKS_LIKE_HTML.search(html[:20000]):
        raise NormalizeError(f"not HTML: no HTML tags in the first 20000 characters (type {content_type!r})")
    root = _parse(html)
    try:
        return _extract(root, html, url, fetched_at, rules)
    except NormalizeError:
        raise
    except (ValueError, TypeError, LookupError, RecursionError, etree.LxmlError) as exc:
        # Mangled markup can trip any library underneath; the operator gets a reason, the worker goes on.
        raise NormalizeError(f"extraction failed: {type(exc).__name__}: {exc}") from exc


def _extract(
    root: etree._Element, html: str, url: str, fetched_at: datetime | None, rules: SiteRules | None
) -> ArticleRecord:
    markup = read_markup(root)
    rule = rules.for_date(fetched_at) if rules else None
    full = copy.deepcopy(root)  # the page before pruning: a headline may sit in a block dropped below
    chrome = rubric.read_chrome(root, url, markup)  # breadcrumbs and menus, before pruning drops them
    drop_boilerplate(root, rule.drop_xpaths() if rule else ())
    scope = article_scope(root)
    language, language_via = _declared_language(root, markup.ld("inLanguage"))
    zone = _zone(rules, language, scope)
    ctx = fields.Context(root, scope, markup, rule, zone, fetched_at, full=full, url=url, html=html, chrome=chrome)
    provenance: dict[str, str] = {}

    def read(name: str, reader: Callable[[fields.Context], fields.Found | None]) -> object:
        found = reader(ctx)
        if found is None:
            return None
        if not _plausible(found[0], fetched_at):  # a year 9999 or a trillion views is a bug of the page
            provenance[name] = f"rejected:{found[1]}:{str(found[0])[:40]}"
            return None
        provenance[name] = found[1]
        return found[0]

    title = read("title", fields.title)
    published_at = read("published_at", fields.published)
    modified_at = read("modified_at", fields.modified)
    views = read("views", fields.views)
    credits = read("photo_credits", fields.photo_credits) or []
    authors = read("authors", fields.authors) or []
    section = read("rubric", rubric.rubric)
    tags = read("tags", fields.tags) or []
    images = _images_with_credits(images_in_scope(scope, url), list(credits))

    for element in ctx.used:
        if len(element.text_content()) <= 200 and not element.xpath("ancestor-or-self::h1"):
            remove(element)
    unwrap_layout_tables(root)
    text, body_via = _body(root, url, rule)
    if not _WORD.search(text):
        # Whatever removed the text (a suspect block the guard let go, a site rule, a used element), a page
        # where the plain extractor finds a body is not rejected: it reads the page as it came.
        recovered = clean_text(_trafilatura_text(full, url, fast=False, favor_recall=True))
        if _has_prose(recovered):  # a page of menus gives words too, but no sentences: not an article
            text, body_via = recovered, "trafilatura:unpruned"
    provenance["text"] = body_via
    text = _strip_non_body_lines(text, title if isinstance(title, str) else None, list(credits), section)
    text = trim_tail(text, list(authors))
    dateline, text = split_dateline(text)
    agency, text = split_signature(text)
    if dateline:
        provenance["dateline"] = "text-pattern:dateline"
    if agency:
        provenance["agency"] = "text-pattern:signature"
    # NUL and undecodable characters are never text (lxml turns NUL into U+FFFD); no words, no article.
    text = _NOT_TEXT.sub("", text)
    if not _WORD.search(text):
        raise NormalizeError("no article text found")
    cited = cited_sources(text)
    if cited:
        provenance["cited_sources"] = "text-pattern:cited"
    if language is None:
        language, language_via = ("ru" if cyrillic_share(text) > 0.3 else "en"), "detected:script"
    provenance["language"] = language_via
    return ArticleRecord(
        url=canonical_url(root, url),
        title=title if isinstance(title, str) else None,
        text=text,
        published_at=published_at if isinstance(published_at, datetime) else None,
        modified_at=modified_at if isinstance(modified_at, datetime) else None,
        language=language,
        content_hash=hashlib.sha256(f"{title}\n{text}".encode()).hexdigest(),
        views=views if isinstance(views, int) else None,
        photo_credits=tuple(credits),
        images=tuple(images),
        authors=tuple(authors),
        rubric=section if isinstance(section, str) else None,
        tags=tuple(tags),
        cited_sources=tuple(cited),
        dateline=dateline,
        agency=agency,
        provenance=provenance,
    )


# Comments dropped at parse time, as trafilatura's own parser does: a comment between two text nodes
# splits a paragraph in two and drops half of it from the extractor's view.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
_WORD = re.compile(r"[^\W\d_]{2,}")

# Values past these are misprints or traps, not metadata: the field is left empty and provenance says why.
EARLIEST_DATE = datetime(1900, 1, 1, tzinfo=UTC)
MAX_VIEWS = 10**12


def _has_prose(text: str) -> bool:
    """Some sentences: lines of several words, together at least FAST_MIN_CHARS long."""
    return sum(len(line) for line in text.split("\n") if len(line.split()) >= PROSE_LINE_WORDS) >= FAST_MIN_CHARS


def _plausible(value: object, fetched_at: datetime | None) -> bool:
    if isinstance(value, datetime):
        latest = (fetched_at or datetime.now(UTC)) + timedelta(days=2)
        return EARLIEST_DATE <= value <= latest
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 <= value <= MAX_VIEWS
    return True


def canonical_url(tree: etree._Element, url: str) -> str:
    """The page's own canonical URL (<link rel=canonical>, then og:url) when it is on the fetched site,
    else the fetched URL; tracking parameters dropped either way (scrapy_project.urls)."""
    declared = tree.xpath("//link[@rel='canonical']/@href") + tree.xpath("//meta[@property='og:url']/@content")
    for href in declared:
        candidate = urljoin(url, str(href).strip())
        if urlsplit(candidate).scheme in ("http", "https") and same_site(candidate, url):
            return canonical(candidate)
    return canonical(url)


def _parse(html: str) -> etree._Element:
    # lxml refuses a decoded string that still declares its encoding (XHTML pages start with one).
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NormalizeError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise NormalizeError("unparseable HTML: empty document")
    return root


def _declared_language(root: etree._Element, in_ld: object) -> tuple[str | None, str]:
    candidates = (
        (root.get("lang") or root.get("xml:lang"), "html:lang"),
        (next(iter(root.xpath("//meta[@http-equiv='content-language']/@content")), None), "meta:content-language"),
        (next(iter(root.xpath("//meta[@property='og:locale']/@content")), None), "meta:og:locale"),
        (in_ld if isinstance(in_ld, str) else None, "json-ld:inLanguage"),
    )
    for value, via in candidates:
        if value and re.match(r"^[a-zA-Z]{2}", str(value).strip()):
            return re.split(r"[-_]", str(value).strip())[0].lower(), via
    return None, ""


def _zone(rules: SiteRules | None, language: str | None, scope: etree._Element) -> tzinfo:
    """The site's zone from its rules; Moscow for Russian pages when nothing says otherwise; else UTC."""
    configured = zone_named(rules.timezone) if rules else None
    if configured:
        return configured
    if language == "ru" or (language is None and cyrillic_share(scope.text_content()) > 0.3):
        return MOSCOW
    return UTC


def _body(root: etree._Element, url: str, rule: fields.RuleVersion | None) -> tuple[str, str]:
    if rule:
        elements = rule.select("body", root)
        if elements:
            blocks = [element_text(b) for el in elements for b in el.iter(*_BODY_BLOCKS)]
            text = "\n".join(b for b in blocks if b) or "\n".join(element_text(el) for el in elements)
            return clean_text(text), rule.via("body")
    # Fast mode first; trafilatura's full cascade (its jusText / readability comparison) only where fast
    # mode kept little of the page's prose: on real pages that is where it cuts the article short, and
    # elsewhere the two agree while the cascade costs half again the time. trafilatura works on its own copy
    # of a tree it is given, so both passes can share this one.
    _mark_text_container(root)
    text = _trafilatura_text(root, url, fast=True)
    if non_space_length(text) < max(FAST_MIN_CHARS, FAST_MIN_SHARE * prose_length(root)):
        text = _trafilatura_text(root, url, fast=False)
        return clean_text(text), "trafilatura:cascade"
    return clean_text(text), "trafilatura"


def _mark_text_container(root: etree._Element) -> None:
    """trafilatura looks for the article in <article>, <main> and the usual body classes; on a page that has
    none it falls back to collecting loose paragraphs, and the article's headings and lists are lost. The
    element that holds most of the page's prose is named an <article> for it."""
    container = text_container(root)
    if container is not None and container.tag in ("div", "section"):
        container.tag = "article"


def _trafilatura_config() -> ConfigParser:
    """Below min_extracted_size trafilatura gives up on the page's structure and returns all the text of the
    article element as one paragraph, headline and all: a two-paragraph wire brief is a normal news item."""
    config = trafilatura.settings.use_config()
    config.set("DEFAULT", "min_extracted_size", "40")
    return config


_TRAFILATURA_CONFIG = _trafilatura_config()
# trafilatura warns "discarding data" for every pass that finds too little; a pass is one try among several
# here, and a page that yields nothing at all becomes a failures row with its reason.
logging.getLogger("trafilatura.core").setLevel(logging.ERROR)


def _trafilatura_text(root: etree._Element, url: str, *, fast: bool, favor_recall: bool = False) -> str:
    """Balanced mode: favor_precision cut the first paragraph or the second half of long articles on real
    pages; boilerplate that trafilatura's balanced mode lets through is mostly what drop_boilerplate took."""
    doc = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_recall=favor_recall,
        fast=fast,
        config=_TRAFILATURA_CONFIG,
    )
    return (doc.text if doc is not None else "") or ""


def _strip_non_body_lines(text: str, title: str | None, credits: list[str], rubric: object) -> str:
    """Lines that are metadata, not article text: the headline repeated, credit lines, the rubric."""
    lines = text.split("\n")
    if title and lines and clean_line(lines[0]) == title:
        lines = lines[1:]
    kept = []
    for line in lines:
        credit, rest = credit_from_text(line)
        if credit and not rest and len(line) <= 120:
            continue
        if line == rubric or line in credits or is_date_line(line):
            continue
        kept.append(line)
    return "\n".join(kept)


def _images_with_credits(images: list[Image], credits: list[str]) -> list[Image]:
    """An image without its own credit takes the article's only credit, as one credit line under one
    photo is the common layout."""
    if len(credits) != 1:
        return images
    return [img if img.credit else Image(img.url, img.caption, credits[0]) for img in images]
