"""Third pipeline: remember what was archived from each article URL (validators, body key), so the next
crawl can ask "changed since?" or skip the URL. Runs after the announce pipeline: a page is remembered
only once its task was sent, so a page lost between the two is fetched again next time.

Pages are remembered in batches (scrapy_project/batch.py: up to CRAWL_STATE_BATCH pages or
CRAWL_STATE_BATCH_SECONDS after the first, one transaction): an item leaves this pipeline only once its
batch is committed, so "remembered only after announced" holds as it did page by page; a crawler killed
with a batch open forgets at most that batch, whose pages the next crawl fetches again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from scrapy_project.batch import Batcher
from scrapy_project.items import FetchedPage
from scrapy_project.outage import ServiceGate
from scrapy_project.state import CrawlContext
from scrapy_project.steps import CrawlSteps
from storage.crawl_state import Fetch, record_fetches


class CrawlStatePipeline:
    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.context = context
        self.stats = crawler.stats
        self.steps = CrawlSteps.of(crawler)
        self.batch: Batcher[Fetch, None] = Batcher(
            ServiceGate.of(crawler),
            "database",
            self._remember,
            max_size=crawler.settings.getint("CRAWL_STATE_BATCH", 32),
            max_delay=crawler.settings.getfloat("CRAWL_STATE_BATCH_SECONDS", 0.2),
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStatePipeline:
        return cls(crawler, CrawlContext.of(crawler))

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        page: FetchedPage = item
        assert page.raw_key is not None  # pages that were not archived were dropped before
        fetch = Fetch(
            url=page.url,
            source=page.source,
            raw_key=page.raw_key,
            etag=page.header("ETag"),
            last_modified=page.header("Last-Modified"),
            fetched_at=datetime.fromisoformat(page.fetched_at),
            changed=not page.unchanged,
            run_id=self.context.run_id,
        )
        await self.batch.submit(fetch)
        outcome = "unchanged_body" if page.unchanged else ("changed" if page.known else "new")
        self.stats.inc_value(f"newsarchive/{outcome}")
        return page

    def _remember(self, fetches: list[Fetch]) -> list[None]:
        with self.steps.measure("state"), self.context.pool.connection() as conn:
            record_fetches(conn, fetches)
        return [None] * len(fetches)
