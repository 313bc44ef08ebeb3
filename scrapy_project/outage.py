"""Calls from the crawl to the services it depends on (object store, broker, database), made patient.

A blocking call runs in Twisted's thread pool. When it fails with an error a service outage gives
(connection refused or reset, timeout, 5xx), it is retried with exponential backoff and jitter, and the
engine is paused while any service is failing: no new request leaves the scheduler, so what the crawler
holds in memory is bounded by the requests already in flight (CONCURRENT_REQUESTS) instead of growing
with the outage. The first call that succeeds again resumes the engine.

An outage longer than CRAWL_OUTAGE_MAX_SECONDS ends the crawl (close reason `<service>_unavailable`):
the pages it held are not remembered in crawl_pages, so the next crawl fetches them again.

Any answer from a service ends its pause, an error included: the service is back. An answer that waiting
will not cure and that every later call would get too (the bucket is gone, access denied, bad keys, a
missing table) ends the crawl at once as failed, reason `<service>_error: <what>`, instead of pausing or
failing page after page.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import kombu.exceptions
import psycopg
import redis.exceptions
import urllib3.exceptions
from minio.error import S3Error, ServerError
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.task import deferLater
from twisted.internet.threads import deferToThread

log = logging.getLogger(__name__)

T = TypeVar("T")

# Errors that a service being away (or restarting) gives; anything else is a bug or bad data and fails
# at once. psycopg_pool.PoolTimeout is a psycopg.OperationalError.
_OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    urllib3.exceptions.HTTPError,
    ServerError,
    psycopg.OperationalError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
_S3_OUTAGE_CODES = frozenset({"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout"})

_S3_FATAL_CODES = frozenset(
    {"NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled",
     "InvalidBucketName", "AccountProblem"}
)  # fmt: skip
_FATAL_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.errors.InvalidAuthorizationSpecification,
    psycopg.errors.InvalidPassword,
    psycopg.errors.InsufficientPrivilege,
    psycopg.errors.UndefinedTable,
    redis.exceptions.AuthenticationError,
    redis.exceptions.NoPermissionError,
)

FIRST_DELAY = 0.5
MAX_DELAY = 10.0  # the crawl resumes at most this long after a service is back


def is_outage(exc: BaseException) -> bool:
    if is_fatal(exc):
        return False
    if isinstance(exc, S3Error):
        return exc.code in _S3_OUTAGE_CODES
    return isinstance(exc, _OUTAGE_ERRORS)


def is_fatal(exc: BaseException) -> bool:
    """An answer that every later call would get too: waiting or going on page by page cannot help."""
    if isinstance(exc, S3Error):
        return exc.code in _S3_FATAL_CODES
    return isinstance(exc, _FATAL_ERRORS)


def _what(exc: BaseException) -> str:
    return exc.code if isinstance(exc, S3Error) and exc.code else type(exc).__name__


def backoff_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before retry `attempt` (0-based): doubling from FIRST_DELAY up to MAX_DELAY, then a random
    part of it (half to all) so the calls waiting on one outage do not all retry at the same instant."""
    ceiling = min(MAX_DELAY, FIRST_DELAY * 2**attempt)
    return ceiling * (rng or random).uniform(0.5, 1.0)


class ServiceGate:
    """One per crawler: `await gate.call("object store", fn, *args)`."""

    def __init__(self, crawler: Crawler, max_seconds: float) -> None:
        self.crawler = crawler
        self.max_seconds = max_seconds
        self.down: dict[str, float] = {}  # service -> monotonic time its outage was first seen
        self.refused: set[str] = set()  # services that gave an answer waiting cannot cure
        # Blocking calls run here when Scrapy runs on asyncio (its default): asyncio's hand-off to a thread
        # costs a fraction of Twisted's deferToThread, which took ~7 % of the crawler's CPU with the pipelines.
        self.threads = ThreadPoolExecutor(crawler.settings.getint("REACTOR_THREADPOOL_MAXSIZE", 8), "service")

    @classmethod
    def of(cls, crawler: Crawler) -> ServiceGate:
        if crawler not in _gates:
            _gates[crawler] = cls(crawler, crawler.settings.getfloat("CRAWL_OUTAGE_MAX_SECONDS", 600.0))
        return _gates[crawler]

    async def call(self, service: str, fn: Callable[..., T], *args: object) -> T:
        attempt = 0
        while True:
            try:
                result: T = await self._in_thread(fn, *args)
            except Exception as exc:
                if not is_outage(exc):
                    self._answered(service)  # an error is an answer: the service is there
                    if is_fatal(exc):
                        self._give_up(service, exc)
                    raise
                if self._failed(service, exc):
                    raise
                # Imported here, not at module level: importing the reactor installs one, and Scrapy must
                # be the one to choose it.
                from twisted.internet import reactor

                await maybe_deferred_to_future(deferLater(reactor, backoff_delay(attempt), lambda: None))
                attempt += 1
            else:
                self._answered(service)
                return result

    def _in_thread(self, fn: Callable[..., T], *args: object) -> Awaitable[T]:
        if is_asyncio_available():
            return asyncio.get_running_loop().run_in_executor(self.threads, fn, *args)
        return maybe_deferred_to_future(deferToThread(fn, *args))

    def _failed(self, service: str, exc: BaseException) -> bool:
        """Note a failed call; True when the outage has lasted too long to wait any more."""
        now = time.monotonic()
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"newsarchive/outage_retries/{service}")
        if service not in self.down:
            self.down[service] = now
            stats.inc_value(f"newsarchive/outages/{service}")
            log.warning("%s unavailable (%s: %s): crawl paused, retrying", service, type(exc).__name__, exc)
            if self.crawler.engine is not None:
                self.crawler.engine.pause()
        if now - self.down[service] < self.max_seconds:
            return False
        log.error("%s unavailable for %.0f s: ending the crawl", service, now - self.down[service])
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            reason = service.replace(" ", "_") + "_unavailable"
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
        return True

    def _give_up(self, service: str, exc: BaseException) -> None:
        """End the crawl, failed, naming what the service said; logged once however many calls get it."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"newsarchive/service_errors/{service}")
        engine = self.crawler.engine
        if service in self.refused or engine is None or engine.spider is None:
            return
        self.refused.add(service)
        reason = f"{service.replace(' ', '_')}_error: {_what(exc)}"
        log.error("%s refused the crawl's calls (%s): ending the crawl", service, exc)
        deferred_from_coro(engine.close_spider_async(reason=reason))

    def _answered(self, service: str) -> None:
        since = self.down.pop(service, None)
        if since is None:
            return
        seconds = time.monotonic() - since
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/outage_seconds/{service}", round(seconds, 1))
        if self.down:
            log.warning("%s back after %.1f s; still waiting for %s", service, seconds, ", ".join(self.down))
            return
        log.warning("%s back after %.1f s: crawl resumed", service, seconds)
        engine = self.crawler.engine
        if engine is not None:
            engine.unpause()
            # Look at the scheduler now rather than at the engine's next 5-second heartbeat.
            slot = getattr(engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()


_gates: weakref.WeakKeyDictionary[Crawler, ServiceGate] = weakref.WeakKeyDictionary()
