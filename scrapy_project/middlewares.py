"""Downloader middleware for incremental crawling.

Before an article request: look up what we archived from that URL. Older than the revisit window:
not requested. Fetched within the revisit interval: not requested. Otherwise requested with
If-None-Match / If-Modified-Since, and a 304 ends there (nothing downloaded, nothing re-processed).
Listings, feeds and sitemaps are always fetched in full: they are how new articles are found.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from scrapy_project.batch import Batcher
from scrapy_project.outage import ServiceGate
from scrapy_project.spiders.news import ARTICLE, KNOWN, PREVIOUS_RAW_KEY
from scrapy_project.state import CrawlContext, RevisitPolicy
from scrapy_project.steps import CrawlSteps
from storage.crawl_state import PageState, page_states, touch_fetch

log = logging.getLogger(__name__)

_CONDITIONAL = "newsarchive_conditional"


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.crawler = crawler
        self.context = context
        self.stats = crawler.stats
        self.gate = ServiceGate.of(crawler)
        self.steps = CrawlSteps.of(crawler)
        # Lookups of requests made close together go out as one query (scrapy_project/batch.py).
        self.lookups: Batcher[str, PageState | None] = Batcher(
            self.gate,
            "database",
            self._lookup,
            max_size=crawler.settings.getint("CRAWL_STATE_BATCH", 32),
            max_delay=crawler.settings.getfloat("CRAWL_LOOKUP_BATCH_SECONDS", 0.02),
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler, CrawlContext.of(crawler))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get(ARTICLE) or request.meta.get(_CONDITIONAL) is not None:
            return None  # not an article, or a retry/redirect of one already looked up
        state = await self.lookups.submit(request.url)
        request.meta[_CONDITIONAL] = False
        if state is None:
            return None
        policy = RevisitPolicy.for_source(self.crawler.spider.source)  # type: ignore[union-attr]
        now = datetime.now(UTC)
        if state.first_seen_at < now - policy.window:
            self._skip("out_of_window")
            raise IgnoreRequest(f"outside the revisit window: {request.url}")
        if state.last_fetched_at > now - policy.interval:
            self._skip("recent")
            raise IgnoreRequest(f"fetched {state.last_fetched_at:%H:%M:%S}, within the revisit interval: {request.url}")
        request.meta[KNOWN] = True
        request.meta[PREVIOUS_RAW_KEY] = state.raw_key
        if state.etag:
            request.headers["If-None-Match"] = state.etag
        if state.last_modified:
            request.headers["If-Modified-Since"] = state.last_modified
        request.meta[_CONDITIONAL] = bool(state.etag or state.last_modified)
        return None

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Any:
        if response.status != 304 or not request.meta.get(_CONDITIONAL):
            return response
        run_id = self.context.run_id
        await self.gate.call("database", self._touch, request.url, run_id)
        self.stats.inc_value("newsarchive/not_modified")
        raise IgnoreRequest(f"not modified: {request.url}")

    def _lookup(self, urls: list[str]) -> list[PageState | None]:
        with self.steps.measure("lookup"), self.context.pool.connection() as conn:
            states = page_states(conn, urls)
        return [states.get(url) for url in urls]

    def _touch(self, url: str, run_id: int | None) -> None:
        with self.context.pool.connection() as conn:
            touch_fetch(conn, url, datetime.now(UTC), run_id)

    def _skip(self, why: str) -> None:
        self.stats.inc_value("newsarchive/skipped")
        self.stats.inc_value(f"newsarchive/skipped/{why}")
