"""Second pipeline: tell the workers an archived page is ready, by task name (no import of workers).
While the broker is unreachable the send is retried and the crawl paused (scrapy_project/outage.py).

The task carries the archived object's bytes when they are small (ANNOUNCE_INLINE_MAX_BYTES, gzip), so
the worker need not read back what was just written; it checks them against the SHA-256 in the key and
reads the archive when they are absent or do not match. They are sent only after the archive write
succeeded: the archive stays the record, the copy in the task is a shortcut to it.

Pages archived close together are announced together (scrapy_project/batch.py: up to ANNOUNCE_BATCH pages,
or ANNOUNCE_BATCH_SECONDS after the first), as one `newsarchive.normalize_pages` task: one message and one
acknowledgement instead of one per page. An item leaves this pipeline only once its batch was sent, so the
state pipeline still remembers a page only after its task is in the broker. A batch of one is a plain
`newsarchive.normalize` task, and ANNOUNCE_BATCH=1 (CRAWL_ANNOUNCE_BATCH) sends only those, for workers older
than the batch task."""

from __future__ import annotations

import base64
import logging
from typing import Any

from celery import Celery
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from scrapy_project.batch import Batcher
from scrapy_project.items import FetchedPage
from scrapy_project.outage import ServiceGate
from scrapy_project.steps import CrawlSteps

log = logging.getLogger(__name__)

NORMALIZE_TASK = "newsarchive.normalize"
NORMALIZE_PAGES_TASK = "newsarchive.normalize_pages"
NORMALIZE_QUEUE = "normalize"
# A queue of waiting tasks holds these bytes in Redis: 32 KiB of gzip is ~100 KiB of page, most articles.
DEFAULT_INLINE_MAX_BYTES = 32 * 1024


class AnnouncePipeline:
    def __init__(self, client: Celery, crawler: Crawler) -> None:
        self.client = client
        self.stats = crawler.stats
        self.gate = ServiceGate.of(crawler)
        self.steps = CrawlSteps.of(crawler)
        self.inline_max = crawler.settings.getint("ANNOUNCE_INLINE_MAX_BYTES", DEFAULT_INLINE_MAX_BYTES)
        self.batch: Batcher[FetchedPage, None] = Batcher(
            self.gate,
            "broker",
            self._send,
            max_size=crawler.settings.getint("ANNOUNCE_BATCH", 16),
            max_delay=crawler.settings.getfloat("ANNOUNCE_BATCH_SECONDS", 0.2),
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnnouncePipeline:
        broker = crawler.settings.get("REDIS_URL")
        if not broker:
            raise NotConfigured("REDIS_URL is not set")
        client = Celery("newsarchive-crawler", broker=broker)
        client.conf.broker_connection_retry_on_startup = True
        return cls(client, crawler)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        page: FetchedPage = item
        if not page.raw_key:
            raise DropItem(f"not archived, not announced: {page.url}")
        if page.unchanged:  # the same bytes as last time: its record is already what they give
            return page  # (counted as newsarchive/unchanged_body by the state pipeline)
        try:
            await self.batch.submit(page)
        except Exception as exc:
            self.stats.inc_value("newsarchive/announce_failed")
            log.error("archived as %s but not announced: %s: %s", page.raw_key, page.url, exc)
            raise DropItem(f"not announced: {page.url}: {exc}") from exc
        self.stats.inc_value("newsarchive/announced")
        return page

    def _send(self, pages: list[FetchedPage]) -> list[None]:
        with self.steps.measure("announce"):
            # kwargsrepr: what the worker logs of a task; Celery would otherwise build a repr of the bytes.
            if len(pages) == 1:
                kwargs = self._task(pages[0])
                short = repr({name: value for name, value in kwargs.items() if name != "raw_b64"})
                self.client.send_task(NORMALIZE_TASK, kwargs=kwargs, queue=NORMALIZE_QUEUE, kwargsrepr=short)
            else:
                kwargs = {"pages": [self._task(page) for page in pages]}
                short = f"{{'pages': <{len(pages)} pages, first {pages[0].final_url}>}}"
                self.client.send_task(NORMALIZE_PAGES_TASK, kwargs=kwargs, queue=NORMALIZE_QUEUE, kwargsrepr=short)
        return [None] * len(pages)

    def _task(self, page: FetchedPage) -> dict[str, Any]:
        """The keyword arguments of `newsarchive.normalize` for one page."""
        return {
            "raw_key": page.raw_key,
            "url": page.final_url,
            "fetched_at": page.fetched_at,
            "source": page.source,
            "content_type": page.content_type,
            # A coding Scrapy left on the body (a broken gzip kept as sent); only when there is one, as a
            # worker of the previous release knows no such argument.
            **({"content_encoding": encoding} if (encoding := page.header("Content-Encoding")) else {}),
            **({"raw_b64": base64.b64encode(page.packed).decode()} if self._inline(page) else {}),
        }

    def _inline(self, page: FetchedPage) -> bool:
        return 0 < len(page.packed) <= self.inline_max
