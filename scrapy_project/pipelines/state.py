"""Third pipeline: remember what was archived from each article URL (validators, body key), so the next
crawl can ask "changed since?" or skip the URL. Runs after the announce pipeline: a page is remembered
only once its task was sent, so a page lost between the two is fetched again next time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from scrapy_project.items import FetchedPage
from scrapy_project.outage import ServiceGate
from scrapy_project.state import CrawlContext
from storage.crawl_state import record_fetch


class CrawlStatePipeline:
    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.context = context
        self.stats = crawler.stats
        self.gate = ServiceGate.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStatePipeline:
        return cls(crawler, CrawlContext.of(crawler))

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        return await self.gate.call("database", self._remember, item)

    def _remember(self, page: FetchedPage) -> FetchedPage:
        assert page.raw_key is not None  # pages that were not archived were dropped before
        with self.context.pool.connection() as conn:
            record_fetch(
                conn,
                url=page.url,
                source=page.source,
                raw_key=page.raw_key,
                etag=page.header("ETag"),
                last_modified=page.header("Last-Modified"),
                fetched_at=datetime.fromisoformat(page.fetched_at),
                changed=not page.unchanged,
                run_id=self.context.run_id,
            )
        outcome = "unchanged_body" if page.unchanged else ("changed" if page.known else "new")
        self.stats.inc_value(f"newsarchive/{outcome}")
        return page
