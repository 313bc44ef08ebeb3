"""How a news site tells us its URLs: robots.txt Sitemap lines, sitemaps (index, plain, Google News),
RSS and Atom feeds, feed links in HTML heads. Pure functions over bytes, so tests need no crawler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

__all__ = ["Listed", "feed_links", "looks_like_article", "read_xml_listing", "robots_sitemaps", "sniff_xml"]

# XML from the network: no entities, no network access, no DTDs (billion-laughs, XXE).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True)
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Listed:
    url: str
    # The date the listing gives (news:publication_date, lastmod, pubDate, updated), as written.
    date: str | None = None
    # Listed in a news sitemap or a feed: the publisher itself says this is an article.
    is_news: bool = False


def robots_sitemaps(robots_txt: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(robots_txt, base_url=base_url))


def sniff_xml(body: bytes, max_size: int) -> bytes | None:
    """The XML document in a response body (gunzipped when needed), or None if it is not XML."""
    if body[:2] == _GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, ValueError):  # corrupt, or larger than max_size once unpacked
            return None
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith((b"<urlset", b"<sitemapindex", b"<rss", b"<feed")):
        return body
    return None


def read_xml_listing(xml: bytes, base_url: str) -> tuple[str, list[Listed]]:
    """(kind, entries) of a sitemap index, sitemap, RSS or Atom document; kind "" if it is none of them.
    Entries without a URL are left out."""
    kind, entries = _read(xml, base_url)
    return kind, [e for e in entries if e.url]


def _read(xml: bytes, base_url: str) -> tuple[str, list[Listed]]:
    try:
        root = etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError:
        return "", []
    if root is None:
        return "", []
    kind = etree.QName(root).localname.lower()
    if kind == "sitemapindex":
        return kind, [
            Listed(urljoin(base_url, loc)) for loc in _texts(root, "./*[local-name()='sitemap']/*[local-name()='loc']")
        ]
    if kind == "urlset":
        return kind, [_sitemap_url(el, base_url) for el in root.xpath("./*[local-name()='url']")]
    if kind in ("rss", "rdf"):
        return "rss", [_rss_item(el, base_url) for el in root.xpath("//*[local-name()='item']")]
    if kind == "feed":
        return "atom", [_atom_entry(el, base_url) for el in root.xpath("./*[local-name()='entry']")]
    return "", []


def feed_links(html_head_links: list[tuple[str, str, str]], base_url: str) -> list[str]:
    """Feeds a page announces: (rel, type, href) of its <link> elements."""
    return [
        urljoin(base_url, href)
        for rel, ctype, href in html_head_links
        if "alternate" in rel.lower().split() and ctype.lower() in ("application/rss+xml", "application/atom+xml")
    ]


def _texts(el: etree._Element, xpath: str) -> list[str]:
    return [t.strip() for t in el.xpath(xpath + "/text()") if t.strip()]


def _first(el: etree._Element, xpath: str) -> str | None:
    found = _texts(el, xpath)
    return found[0] if found else None


def _sitemap_url(el: etree._Element, base_url: str) -> Listed:
    news_date = _first(el, ".//*[local-name()='news']/*[local-name()='publication_date']")
    loc = _first(el, "./*[local-name()='loc']") or ""
    return Listed(_join(base_url, loc), news_date or _first(el, "./*[local-name()='lastmod']"), news_date is not None)


def _rss_item(el: etree._Element, base_url: str) -> Listed:
    link = _first(el, "./*[local-name()='link']")
    if not link:  # a permalink guid stands in for a missing link
        guid = el.xpath("./*[local-name()='guid'][not(@isPermaLink='false')]/text()")
        link = str(guid[0]).strip() if guid else ""
    return Listed(_join(base_url, link), _first(el, "./*[local-name()='pubDate' or local-name()='date']"), True)


def _atom_entry(el: etree._Element, base_url: str) -> Listed:
    hrefs = el.xpath("./*[local-name()='link'][not(@rel) or @rel='alternate']/@href")
    date = _first(el, "./*[local-name()='published']") or _first(el, "./*[local-name()='updated']")
    return Listed(_join(base_url, str(hrefs[0]).strip()) if hrefs else "", date, True)


def _join(base_url: str, link: str) -> str:
    return urljoin(base_url, link) if link else ""


# Path segments of pages that list articles rather than being one.
_HUB_SEGMENT = re.compile(r"^(page|pages|p|tag|tags|category|categories|rubric|rubrics|author|authors|search|archive"
                          r"|topics?|section)([-_]?\d+)?(\.\w+)?$", re.IGNORECASE)  # fmt: skip
_DATE_IN_PATH = re.compile(
    r"/(19|20)\d\d/[01]?\d/[0-3]?\d(/|$)|/(19|20)\d\d[01]\d[0-3]\d(/|$)|(19|20)\d\d-[01]\d-[0-3]\d"
)
_ID_OR_SLUG = re.compile(r"\d{3,}|^[\w]+(-[\w]+){2,}$|^\d+-\w+", re.UNICODE)


def looks_like_article(url: str) -> bool:
    """The default article test when a source sets no article_pattern: a date in the path, or a last
    segment with a numeric id or a multi-word slug, and no listing-like segment (page, tag, rubric...)."""
    parts = urlsplit(url)
    if any(k.lower() in ("page", "p", "q", "query", "tag") for k, _ in parse_qsl(parts.query)):
        return False
    segments = [s for s in parts.path.split("/") if s]
    if not segments or any(_HUB_SEGMENT.match(s) for s in segments):
        return False
    if _DATE_IN_PATH.search(parts.path):
        return True
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", segments[-1], flags=re.IGNORECASE)
    return len(segments) >= 2 and _ID_OR_SLUG.search(last) is not None
