"""A generic news spider for one source.

Discovery: the robots.txt of each start host (its Sitemap lines), sitemap indexes, sitemaps and Google
News sitemaps, RSS/Atom feeds (given as start URLs or announced by <link rel=alternate> on a page), and
listing pages with their pagination. Every URL is canonicalized before it is requested, so a
tracking-tagged link and the plain one are one request. Article pages become items for the pipelines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scrapy_project.discovery import Listed, feed_links, read_xml_listing, robots_sitemaps, sniff_xml
from scrapy_project.encoding_check import UNDECODED
from scrapy_project.items import FetchedPage
from scrapy_project.sources import Source
from scrapy_project.state import record_crawl_failure
from scrapy_project.urls import canonical

# Request meta: set here, read by the middlewares and pipelines.
ARTICLE = "newsarchive_article"
# Set by IncrementalMiddleware (scrapy_project.middlewares): archived before, and the body archived last.
KNOWN = "newsarchive_known"
PREVIOUS_RAW_KEY = "newsarchive_previous_raw_key"


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(name=f"news:{source.name}", **kwargs)
        self.source = source
        self.start_urls = list(source.start_urls)
        self.allowed_domains = list(source.allowed_domains)
        # Domains are checked on the host name here (LinkExtractor's allow_domains compares host:port)
        # and again by Scrapy's offsite middlewares for every request and redirect.
        self.links = LinkExtractor(unique=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        # Start requests go through the duplicate filter too: with a shared frontier, a second
        # crawler process must not fetch them again. robots.txt is not asked for here: the robots
        # middleware fetches it before the first request to a host, and its Sitemap lines come back
        # through the robots_parsed signal.
        for url in self.source.start_urls:
            clean = canonical(url, self.source.drop_params)
            yield self._request(clean, article=self.source.is_article(clean))

    def request(self, url: str, article: bool = False) -> scrapy.Request:
        return self._request(canonical(url, self.source.drop_params), article)

    def _request(self, clean_url: str, article: bool = False) -> scrapy.Request:
        """A request for a URL already canonical (the callers that judged it had to clean it first)."""
        meta: dict[str, Any] = {ARTICLE: article}
        if "delay" in self.source.extra:  # the source's delay is a floor AutoThrottle must not lower
            meta["autothrottle_dont_adjust_delay"] = True
        return scrapy.Request(
            clean_url,
            callback=self.parse,
            errback=self.fetch_failed if article else None,
            meta=meta,
        )

    def fetch_failed(self, failure: Failure) -> None:
        """An article that could not be fetched (after Scrapy's retries): a log line with the URL, a count
        in the run, and a failures row (stage fetch) when the crawl has a database."""
        if failure.check(IgnoreRequest) and not failure.check(HttpError):  # HttpError is an IgnoreRequest too
            return  # robots.txt, offsite, address guard, revisit policy, 304: not failures
        request = getattr(failure, "request", None)
        # The URL the crawl asked for; the redirect target that failed goes into the reason.
        redirects = (request.meta.get("redirect_urls") or []) if request else []
        url = redirects[0] if redirects else (request.url if request else "?")
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            message = failure.getErrorMessage() or (failure.value.__doc__ or "").strip().split("\n")[0]
            reason = f"{failure.type.__name__ if failure.type else 'error'}: {message}"
        if request and redirects:
            reason += f" (redirected to {request.url})"
        self.crawler.stats.inc_value("newsarchive/fetch_failed")
        self.logger.error("fetch failed for %s: %s", url, reason)
        record_crawl_failure(self.crawler, url=url, stage="fetch", reason=reason, source=self.source.name)

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """A host's robots.txt, as the robots middleware read it: its sitemaps join the crawl."""
        body = getattr(robotparser, "body", b"")
        base = urlunsplit((*urlsplit(request.url)[:2], "/robots.txt", "", ""))
        for url in robots_sitemaps(body, base):
            if self.source.allows_host(url):
                self.crawler.engine.crawl(self.request(url))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        xml = None if self._is_html(response) else sniff_xml(response.body, self._max_size())
        if xml is not None:
            yield from self.parse_listing_xml(response, xml)
            return
        if response.meta.get(ARTICLE) or self.source.is_article(response.url):
            yield self.page_item(response)
        if not isinstance(response, TextResponse) or response.selector.type not in ("html", "xml"):
            return  # binary, or JSON served as a page: nothing to follow
        head_links = [
            (link.attrib.get("rel", ""), link.attrib.get("type", ""), link.attrib.get("href", ""))
            for link in response.css("head link[rel][href]")
        ]
        for url in feed_links(head_links, response.url):
            if self.source.allows_host(url):
                yield self.request(url)
        for link in self.links.extract_links(response):
            yield from self.follow(Listed(link.url))

    def parse_listing_xml(self, response: Response, xml: bytes) -> Iterator[scrapy.Request]:
        kind, entries = read_xml_listing(xml, response.url)
        self.crawler.stats.inc_value(f"newsarchive/discovery/{kind or 'unknown-xml'}")
        for entry in entries:
            if kind == "sitemapindex":
                if self.source.allows_host(entry.url):
                    yield self.request(entry.url)
            else:
                yield from self.follow(entry)

    def follow(self, entry: Listed) -> Iterator[scrapy.Request]:
        if not entry.url.startswith(("http://", "https://")) or not self.source.allows_host(entry.url):
            return
        # Judged as it will be requested: `…/343-novost.html?utm_source=…` fails an anchored article_pattern
        # until its tracking parameters are gone, and would be fetched as a listing, unremembered.
        url = canonical(entry.url, self.source.drop_params)
        if self.source.is_article(url, listed_as_news=entry.is_news):
            yield self._request(url, article=True)
        elif self.source.follows(url):
            yield self._request(url)

    def page_item(self, response: Response) -> FetchedPage:
        redirects = response.meta.get("redirect_urls") or [response.url]
        headers = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()}
        if response.meta.get(UNDECODED):  # a broken gzip body, archived as sent (encoding_check.py)
            headers["Content-Encoding"] = [response.meta[UNDECODED]]
        return FetchedPage(
            url=redirects[0],
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=datetime.now(UTC).isoformat(),
            source=self.source.name,
            known=bool(response.meta.get(KNOWN)),
            previous_raw_key=response.meta.get(PREVIOUS_RAW_KEY),
        )

    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        return "html" in ctype

    def _max_size(self) -> int:
        return int(self.crawler.settings.getint("DOWNLOAD_MAXSIZE") or 50 * 1024 * 1024)
