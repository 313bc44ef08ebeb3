"""First pipeline: store the raw response in object storage. While the store is unreachable the upload
is retried and the crawl paused (scrapy_project/outage.py); a page that could not be stored in the end
is dropped here, so the announce pipeline after it never sees it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from scrapy_project.items import FetchedPage
from scrapy_project.outage import ServiceGate
from scrapy_project.state import record_crawl_failure
from scrapy_project.steps import CrawlSteps
from storage.rawstore import FetchFacts, RawStore

log = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, store: RawStore, crawler: Crawler) -> None:
        self.store = store
        self.crawler = crawler
        self.stats = crawler.stats
        self.gate = ServiceGate.of(crawler)
        self.steps = CrawlSteps.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        s = crawler.settings
        if not s.get("S3_ENDPOINT"):
            raise NotConfigured("S3_ENDPOINT is not set")
        store = RawStore.connect(
            s["S3_ENDPOINT"], s["S3_ACCESS_KEY"], s["S3_SECRET_KEY"], s["S3_BUCKET"], s["S3_REGION"]
        )
        store.ensure_bucket()
        return cls(store, crawler)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        page: FetchedPage = item
        facts = FetchFacts(
            url=page.url,
            final_url=page.final_url,
            status=page.status,
            fetched_at=page.fetched_at,
            headers=page.headers,
            source=page.source,
        )
        try:
            # The S3 client blocks: the gate runs it in Twisted's thread pool, not in the reactor.
            stored = await self.gate.call("object store", self.steps.call, "archive", self.store.put, page.body, facts)
        except Exception as exc:
            self.stats.inc_value("newsarchive/archive_failed")
            log.error("archive failed for %s: %s", page.url, exc)
            # Not remembered either, so the next crawl fetches it again; the row says why it is missing.
            reason = f"not archived: {type(exc).__name__}: {exc}"
            record_crawl_failure(self.crawler, url=page.url, stage="archive", reason=reason, source=page.source)
            raise DropItem(f"not archived: {page.url}: {exc}") from exc
        page.raw_key, page.packed = stored.key, stored.packed
        self.stats.inc_value("newsarchive/archived" if stored.created else "newsarchive/already_archived")
        return page
