"""Second pipeline: tell the workers an archived page is ready, by task name (no import of workers)."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from scrapy_project.items import FetchedPage

log = logging.getLogger(__name__)

NORMALIZE_TASK = "newsarchive.normalize"
NORMALIZE_QUEUE = "normalize"


class AnnouncePipeline:
    def __init__(self, client: Celery, crawler: Crawler) -> None:
        self.client = client
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnnouncePipeline:
        broker = crawler.settings.get("REDIS_URL")
        if not broker:
            raise NotConfigured("REDIS_URL is not set")
        client = Celery("newsarchive-crawler", broker=broker)
        client.conf.broker_connection_retry_on_startup = True
        return cls(client, crawler)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        return await maybe_deferred_to_future(deferToThread(self._announce, item))

    def _announce(self, page: FetchedPage) -> FetchedPage:
        if not page.raw_key:
            raise DropItem(f"not archived, not announced: {page.url}")
        if page.unchanged:  # the same bytes as last time: its record is already what they give
            return page  # (counted as newsarchive/unchanged_body by the state pipeline)
        self.client.send_task(
            NORMALIZE_TASK,
            kwargs={
                "raw_key": page.raw_key,
                "url": page.final_url,
                "fetched_at": page.fetched_at,
                "source": page.source,
                "content_type": page.content_type,
            },
            queue=NORMALIZE_QUEUE,
        )
        self.stats.inc_value("newsarchive/announced")
        return page
