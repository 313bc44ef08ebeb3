"""The crawl_runs row of a crawl: opened when the spider opens, closed with its counts when it closes.
Several crawler processes can share one run (`newsarchive crawl --processes N`): each adds its counts,
the last one closes the row. While it crawls, each process beats the row's heartbeat_at, so
reconciliation can close the row of a run whose processes were killed (workers/reconcile.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from scrapy_project.frontier import frontier_keys
from scrapy_project.state import CrawlContext
from storage.crawl_state import COMPLETE_REASONS, beat_run, finish_run_part, join_run, start_run

log = logging.getLogger(__name__)

# Reconciliation closes a run silent for 5 minutes (workers/reconcile.py): beats must come more often.
MAX_HEARTBEAT_SECONDS = 30.0

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


def run_outcome(reason: str, stats: Mapping[str, Any]) -> str:
    """The run's finish reason as an operator should read it: Scrapy's `shutdown` (SIGINT, SIGTERM) is an
    interruption; a run that ended normally without fetching a page (robots.txt aside) failed, and says
    what refused it."""
    if reason == "shutdown":
        return "interrupted"
    if reason not in COMPLETE_REASONS:
        return reason
    if stats.get("response_received_count", 0) - stats.get("robotstxt/response_count", 0) > 0:
        return reason
    if stats.get("newsarchive/refused_address"):
        return "nothing fetched: the start URLs resolve to non-public addresses (see allow_private_addresses)"
    if stats.get("robotstxt/forbidden"):
        return "nothing fetched: robots.txt forbids the start URLs"
    if stats.get("newsarchive/fetch_failed") or stats.get("downloader/exception_count"):
        return "nothing fetched: every request failed"
    return "nothing fetched"


def run_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    return {column: sum(int(stats.get(k, 0)) for k in keys) for column, keys in RUN_STATS.items()}


class CrawlRunExtension:
    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.crawler = crawler
        self.context = context
        # Counts already added to the run's row by heartbeats; the lock keeps a beat's thread and the
        # close from adding the same pages twice.
        self.reported: dict[str, int] = dict.fromkeys(RUN_STATS, 0)
        self.report_lock = threading.Lock()
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
        seconds = min(MAX_HEARTBEAT_SECONDS, self.crawler.settings.getfloat("CRAWL_HEARTBEAT_SECONDS", 30.0))
        self.heartbeat.start(seconds, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.context.run_id is None:
            return
        reason = run_outcome(reason, self.crawler.stats.get_stats())
        if reason not in COMPLETE_REASONS:
            log.error("crawl run %s of %s: %s", self.context.run_id, spider.name, reason)
        with self.report_lock, self.context.pool.connection() as conn:
            last = finish_run_part(conn, self.context.run_id, self._unreported(), reason)
        if last and self.join_run:
            self._drop_frontier()
        self.context.close()

    def _unreported(self) -> dict[str, int]:
        """What this process did since its last report; marks it reported (call with the lock held)."""
        now = run_counts(self.crawler.stats.get_stats())
        delta = {column: now[column] - self.reported[column] for column in now}
        self.reported = now
        return delta

    def _beat(self) -> None:
        def beat() -> None:
            with self.report_lock:
                before = dict(self.reported)
                try:
                    with self.context.pool.connection() as conn:
                        beat_run(conn, self.context.run_id, self._unreported())  # type: ignore[arg-type]
                except Exception:
                    self.reported = before  # not written: the next beat, or the close, adds it
                    raise

        # A missed beat (database away) is harmless: the next one, or the close, catches up.
        deferToThread(beat).addErrback(lambda failure: log.debug("heartbeat missed: %s", failure.value))

    def _drop_frontier(self) -> None:
        client = redis.Redis.from_url(self.crawler.settings["REDIS_URL"])
        client.delete(*frontier_keys(self.context.run_id))  # type: ignore[arg-type]
        client.close()
