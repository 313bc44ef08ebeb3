"""A crawl frontier in Redis shared by several crawler processes (scrapy-redis): one request queue and
one duplicate filter per crawl run, so adding a process adds throughput and no page is fetched twice.

Used when a crawl joins a run (`newsarchive crawl SOURCE --processes N`, or `--join-run ID` from another
machine). A plain one-process crawl keeps Scrapy's in-memory scheduler.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

# Frontier keys of a run; the last process of the run deletes them (extensions.CrawlRunExtension).
KEY_PREFIX = "newsarchive:frontier"
# Keys of a run whose processes all died are dropped by Redis after this long.
KEY_TTL_SECONDS = 2 * 24 * 3600


def frontier_keys(run_id: int) -> tuple[str, str]:
    return f"{KEY_PREFIX}:{run_id}:requests", f"{KEY_PREFIX}:{run_id}:seen"


def frontier_settings(run_id: int, idle_seconds: float) -> dict[str, Any]:
    queue_key, seen_key = frontier_keys(run_id)
    return {
        "SCHEDULER": "scrapy_project.frontier.SharedFrontierScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # Never flush on close: the first process to finish would wipe the queue and the seen-set under
        # the others, which then fetch the whole site again (known-facts.md).
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": queue_key,
        "SCHEDULER_DUPEFILTER_KEY": seen_key,
        "FRONTIER_IDLE_SECONDS": idle_seconds,
    }


class SharedFrontierScheduler(Scheduler):
    """scrapy-redis' scheduler, with a watcher for the moments this process has nothing to do.

    When the shared queue is empty, another process may still be parsing a listing or a sitemap that
    will fill it, so an idle process stays open (spider_idle -> DontCloseSpider) until the queue has
    been empty for FRONTIER_IDLE_SECONDS. Meanwhile a watcher looks at the queue every 0.2 s: when it
    fills, it hands one request to the engine, which wakes it (Scrapy itself would look again only at
    its 5-second heartbeat); when the grace period is over, it closes the spider. Closing early would
    lose no page, only parallelism: the process that parses a page fetches what the page lists."""

    WATCH_SECONDS = 0.2

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedFrontierScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.idle_seconds = crawler.settings.getfloat("FRONTIER_IDLE_SECONDS", 5.0)
        scheduler.last_busy = time.monotonic()
        scheduler.closing = False
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Any) -> None:
        super().open(spider)
        for key in (self.queue.key, self.df.key):
            self.server.expire(key, KEY_TTL_SECONDS)
        self.watcher = task.LoopingCall(self._watch)
        self.watcher.start(self.WATCH_SECONDS, now=False)

    def close(self, reason: str) -> None:
        if self.watcher.running:
            self.watcher.stop()
        super().close(reason)

    def next_request(self) -> Any:
        request = super().next_request()
        if request is not None:
            self.last_busy = time.monotonic()
        return request

    def spider_idle(self, spider: Any) -> None:
        if not self.closing:
            raise DontCloseSpider("the shared frontier may still fill")

    def _watch(self) -> None:
        engine = self.crawler.engine
        if engine is None or self.closing or not engine.spider_is_idle():
            return
        if len(self.queue) > 0:
            request = self.next_request()
            if request is not None:  # another process may have taken it
                engine.crawl(request.replace(dont_filter=True))  # already in the seen-set
        elif time.monotonic() - self.last_busy >= self.idle_seconds:
            self.closing = True
            deferred_from_coro(engine.close_spider_async(reason="finished"))
