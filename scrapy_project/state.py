"""The crawl's link to PostgreSQL, shared by the incremental middleware, the state pipeline and the run
extension of one crawler: one small connection pool, the run id, the source's revisit policy."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import timedelta

from psycopg_pool import ConnectionPool
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from scrapy_project.sources import Source
from storage.db import make_pool

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
