"""The crawl's link to PostgreSQL, shared by the incremental middleware, the state pipeline and the run
extension of one crawler: one small connection pool, the run id, the source's revisit policy."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from datetime import timedelta

from psycopg_pool import ConnectionPool
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.threads import deferToThread

from scrapy_project.sources import Source
from storage.db import make_pool
from storage.records import record_failure

log = logging.getLogger(__name__)

DEFAULT_REVISIT_DAYS = 3.0
DEFAULT_REVISIT_AFTER_MINUTES = 30.0

_contexts: weakref.WeakKeyDictionary[Crawler, CrawlContext] = weakref.WeakKeyDictionary()


@dataclass
class CrawlContext:
    pool: ConnectionPool
    run_id: int | None = None

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The crawler's context, made on first use; NotConfigured without DATABASE_URL (a crawl that
        only fetches, as in the discovery tests and the bare benchmark)."""
        if crawler not in _contexts:
            dsn = crawler.settings.get("DATABASE_URL")
            if not dsn:
                raise NotConfigured("DATABASE_URL is not set: no incremental state")
            # Lookups and writes run in Twisted's thread pool: a few connections are enough. A short wait
            # for a connection lets the outage gate see a database that is down, and pause the crawl.
            max_size = crawler.settings.getint("CRAWL_DB_POOL_MAX", 4)
            _contexts[crawler] = cls(pool=make_pool(dsn, max_size=max_size, timeout=5.0))
        return _contexts[crawler]

    def close(self) -> None:
        self.pool.close()


def record_crawl_failure(crawler: Crawler, *, url: str, stage: str, reason: str, source: str) -> None:
    """A failures row for a page the crawl lost (fetch, archive), written in Twisted's thread pool; a crawl
    without a database, or a database that is away too, leaves the log line the caller wrote."""
    try:
        context = CrawlContext.of(crawler)
    except NotConfigured:
        return

    def write() -> None:
        with context.pool.connection() as conn:
            record_failure(conn, url=url, stage=stage, reason=reason, source=source)

    deferToThread(write).addErrback(
        lambda f: log.error("could not record the %s failure of %s: %s", stage, url, f.getErrorMessage())
    )


@dataclass(frozen=True)
class RevisitPolicy:
    """Articles are re-requested (conditionally) while younger than `window`, at most once per `interval`.
    Set per source with `revisit_days` and `revisit_after_minutes` in the sources file."""

    window: timedelta
    interval: timedelta

    @classmethod
    def for_source(cls, source: Source) -> RevisitPolicy:
        return cls(
            window=timedelta(days=source.setting("revisit_days", DEFAULT_REVISIT_DAYS)),
            interval=timedelta(minutes=source.setting("revisit_after_minutes", DEFAULT_REVISIT_AFTER_MINUTES)),
        )
