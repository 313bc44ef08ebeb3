"""Crawl traps: links a real site offers without end, that lead to no new article.

A spider middleware (Scrapy's plug point for what a callback yields) judges every listing link a page
yields; article links are never judged here (the revisit policy decides about them). A link is a trap when
- `calendar`: it is dated (`/2019/05/12/`, `/calendar/2031-01`, `?date=2019-05-12`) outside the window of
  recent days the source's listings are read for, in the past or in the future: an endless calendar walks
  both ways;
- `repeat`: a path segment repeats (`/a/b/a/b/a/`): relative links that pile up;
- `query`: one path has already been asked with too many different queries (sorts, filters), its page
  number aside;
- `barren`: it comes from a listing page that, like the pages before it in its chain, gave no new article
  link: none not already seen in this run or remembered from an earlier one (endless or looping pagination;
  on a re-crawl, the archive's older pages).
A trap stops that branch: the request is dropped, counted (`newsarchive/trapped`, per kind under
`newsarchive/trap/<kind>`, summed into `crawl_runs.pages_trapped`) and logged once per kind and host.
The depth, page and time budgets of a run are Scrapy's own DEPTH_LIMIT and CLOSESPIDER_* (run.py).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import psycopg
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from scrapy_project.spiders.news import ARTICLE
from scrapy_project.state import CrawlContext
from storage.crawl_state import remembered_urls

log = logging.getLogger(__name__)

BARREN = "newsarchive_barren"  # request meta: listing pages in a row without a new article link

# A date in a listing URL: year, then optional month and day (`/2019/05/12`, `2019-05`, `20190512`).
_DATE_IN_URL = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?:[-/_.]?(?P<month>0[1-9]|1[0-2])(?:[-/_.]?(?P<day>0[1-9]|[12]\d|3[01]))?)?(?!\d)"
)


_PAGING = re.compile(r"^(?:page|p|pg|start|offset|from|pagen_\d+|paged)=", re.IGNORECASE)


@dataclass(frozen=True)
class TrapRules:
    listing_days: float = 7.0  # listings dated within this many days back (and tomorrow) are read
    max_repeats: int = 2  # a path segment seen more often than this is a loop
    max_query_variants: int = 10  # distinct queries (page numbers aside) asked of one path in a run
    barren_pages: int = 3  # listing pages in a row without a new article link end that chain

    @classmethod
    def for_source(cls, extra: dict[str, object]) -> TrapRules:
        return cls(
            listing_days=float(extra.get("listing_days", cls.listing_days)),  # type: ignore[arg-type]
            max_query_variants=int(extra.get("max_query_variants", cls.max_query_variants)),  # type: ignore[call-overload]
            barren_pages=int(extra.get("barren_pages", cls.barren_pages)),  # type: ignore[call-overload]
        )


def dated_outside(url: str, today: date, days: float) -> bool:
    """True when the URL names a day, month or year that lies wholly outside [today - days, today + 1]."""
    parts = urlsplit(url)
    match = _DATE_IN_URL.search(f"{parts.path}?{parts.query}")
    if not match:
        return False
    year, month, day = int(match["year"]), match["month"], match["day"]
    try:
        first = date(year, int(month or 1), int(day or 1))
    except ValueError:
        return False
    if day:
        last = first
    elif month:
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        last = date(year, 12, 31)
    return last < today - timedelta(days=days) or first > today + timedelta(days=1)


def repeats_segment(url: str, max_repeats: int) -> bool:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return any(segments.count(s) > max_repeats for s in set(segments))


class TrapMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen_articles: set[str] = set()
        self.queries: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        self.logged: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapMiddleware:
        return cls(crawler)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        judge = _Judgement(self, response, spider)
        async for item in result:
            if judge.passes(item):
                yield item
        if judge.held and judge.fresh:
            # Links remembered from earlier runs are not new either: a re-crawl reads the first listing pages
            # and stops where they give nothing new, instead of walking the whole archive again.
            remembered = await maybe_deferred_to_future(deferToThread(self._remembered, judge.fresh))
            judge.fresh = [url for url in judge.fresh if url not in remembered]
        for request in judge.listing_links():
            yield request

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterable[Any]:
        judge = _Judgement(self, response, spider)
        yield from (item for item in result if judge.passes(item))
        yield from judge.listing_links()

    def _remembered(self, urls: list[str]) -> set[str]:
        """Of these article URLs, those the crawl state remembers; none without a database (or while it is
        away: then every link counts as new, which only walks further)."""
        try:
            context = CrawlContext.of(self.crawler)
            with context.pool.connection() as conn:
                return remembered_urls(conn, urls)
        except (NotConfigured, psycopg.Error):
            return set()

    def _trap(self, url: str, rules: TrapRules, today: date, barren: int) -> str | None:
        if dated_outside(url, today, rules.listing_days):
            return "calendar"
        if repeats_segment(url, rules.max_repeats):
            return "repeat"
        if barren >= rules.barren_pages:
            return "barren"
        parts = urlsplit(url)
        variant = _without_paging(parts.query)
        if variant:
            variants = self.queries[(parts.netloc, parts.path)]
            if variant not in variants and len(variants) >= rules.max_query_variants:
                return "query"
            variants.add(variant)
        return None

    def _count(self, kind: str, url: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("newsarchive/trapped")
        stats.inc_value(f"newsarchive/trap/{kind}")
        host = urlsplit(url).netloc
        if (kind, host) not in self.logged:
            self.logged.add((kind, host))
            log.warning("crawl trap (%s) at %s: not following %s, nor the links like it", kind, host, url)


class _Judgement:
    """One page's output. Items and article links pass at once (a callback that fails half-way keeps what
    it yielded); listing links wait until the page's last output, when it is known whether the page gave
    a new article link."""

    def __init__(self, middleware: TrapMiddleware, response: Response, spider: Spider | None) -> None:
        self.middleware = middleware
        self.rules = TrapRules.for_source(getattr(getattr(spider, "source", None), "extra", {}) or {})
        self.is_listing = not response.meta.get(ARTICLE) and "html" in _content_type(response)
        self.parent_barren = response.meta.get(BARREN, 0)
        self.fresh: list[str] = []  # article links not seen before in this run
        self.held: list[Request] = []

    def passes(self, item: Any) -> bool:
        if not isinstance(item, Request):
            return True
        if item.meta.get(ARTICLE):
            if item.url not in self.middleware.seen_articles:
                self.middleware.seen_articles.add(item.url)
                self.fresh.append(item.url)
            return True
        if not self.is_listing:
            return True
        self.held.append(item)
        return False

    def listing_links(self) -> Iterable[Request]:
        barren = 0 if self.fresh else self.parent_barren + 1
        today = datetime.now(UTC).date()
        for request in self.held:
            kind = self.middleware._trap(request.url, self.rules, today, barren)
            if kind is None:
                request.meta[BARREN] = barren
                yield request
            else:
                self.middleware._count(kind, request.url)


def _without_paging(query: str) -> str:
    """The query less its page number: pagination is judged by its yield (barren), not by its count."""
    return "&".join(p for p in query.split("&") if p and not _PAGING.match(p))


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
