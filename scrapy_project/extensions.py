"""The crawl_runs row of a crawl: opened when the spider opens, closed with its counts when it closes.
Several crawler processes can share one run (`newsarchive crawl --processes N`): each adds its counts,
the last one closes the row. While it crawls, each process beats the row's heartbeat_at, so
reconciliation can close the row of a run whose processes were killed (workers/reconcile.py)."""

from __future__ import annotations

import logging

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from scrapy_project.frontier import frontier_keys
from scrapy_project.state import CrawlContext
from storage.crawl_state import beat_run, finish_run_part, join_run, start_run

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0  # reconciliation closes a run silent for 10 beats (workers/reconcile.py)

# crawl_runs column -> the Scrapy stats summed into it.
RUN_STATS = {
    "pages_seen": ("response_received_count",),
    "pages_new": ("newsarchive/new",),
    "pages_changed": ("newsarchive/changed",),
    "pages_unchanged": ("newsarchive/not_modified", "newsarchive/unchanged_body"),
    "pages_skipped": ("newsarchive/skipped",),
    "pages_failed": ("newsarchive/fetch_failed", "newsarchive/archive_failed"),
    "pages_trapped": ("newsarchive/trapped",),
}


class CrawlRunExtension:
    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.crawler = crawler
        self.context = context
        self.trigger = crawler.settings.get("NEWSARCHIVE_TRIGGER", "cli")
        # Set when this process is one of several sharing a run (and its frontier, see frontier.py).
        self.join_run = crawler.settings.getint("NEWSARCHIVE_RUN_ID", 0) or None
        # Processes started by `crawl --processes N` were counted when the run was made; others join.
        self.counted = crawler.settings.getbool("NEWSARCHIVE_RUN_COUNTED", False)
        self.heartbeat = LoopingCall(self._beat)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunExtension:
        return cls(crawler, CrawlContext.of(crawler))

    def spider_opened(self, spider: Spider) -> None:
        if self.join_run:
            if not self.counted:
                with self.context.pool.connection() as conn:
                    join_run(conn, self.join_run, spider.source.name)  # type: ignore[attr-defined]
            self.context.run_id = self.join_run
        else:
            with self.context.pool.connection() as conn:
                self.context.run_id = start_run(conn, spider.source.name, self.trigger)  # type: ignore[attr-defined]
        self.crawler.stats.set_value("newsarchive/run_id", self.context.run_id)
        log.info("crawl run %s of %s (%s)", self.context.run_id, spider.name, self.trigger)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.context.run_id is None:
            return
        stats = self.crawler.stats
        counts = {column: sum(int(stats.get_value(k, 0)) for k in keys) for column, keys in RUN_STATS.items()}
        with self.context.pool.connection() as conn:
            last = finish_run_part(conn, self.context.run_id, counts, reason)
        if last and self.join_run:
            self._drop_frontier()
        self.context.close()

    def _beat(self) -> None:
        def beat() -> None:
            with self.context.pool.connection() as conn:
                beat_run(conn, self.context.run_id)  # type: ignore[arg-type]

        # A missed beat (database away) is harmless: the next one, or the close, catches up.
        deferToThread(beat).addErrback(lambda failure: log.debug("heartbeat missed: %s", failure.value))

    def _drop_frontier(self) -> None:
        client = redis.Redis.from_url(self.crawler.settings["REDIS_URL"])
        client.delete(*frontier_keys(self.context.run_id))  # type: ignore[arg-type]
        client.close()
