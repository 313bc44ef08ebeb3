"""Which errors pause the crawl and retry (a service away), and how long the crawler waits between tries."""

from __future__ import annotations

import random

import kombu.exceptions
import psycopg
import pytest
import urllib3.exceptions
from minio.error import S3Error
from psycopg_pool import PoolTimeout
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from scrapy_project import outage
from scrapy_project.outage import FIRST_DELAY, MAX_DELAY, ServiceGate, backoff_delay, is_fatal, is_outage


def _s3_error(code: str) -> S3Error:
    return S3Error(None, code, "message", "/bucket/key", "request-id", "host-id")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connection refused"),
        urllib3.exceptions.MaxRetryError(None, "/bucket/key"),  # type: ignore[arg-type]
        psycopg.OperationalError("server closed the connection unexpectedly"),
        PoolTimeout("couldn't get a connection after 5.00 sec"),
        kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        _s3_error("SlowDown"),
        _s3_error("ServiceUnavailable"),
    ],
)
def test_outages_are_retried(exc: BaseException) -> None:
    assert is_outage(exc)


@pytest.mark.parametrize(
    "exc",
    [
        _s3_error("AccessDenied"),  # wrong keys: waiting will not help
        _s3_error("NoSuchBucket"),
        psycopg.errors.UndefinedTable("relation crawl_pages does not exist"),
        ValueError("bad data"),
    ],
)
def test_errors_that_waiting_does_not_fix_are_not(exc: BaseException) -> None:
    assert not is_outage(exc)


def test_backoff_doubles_to_a_ceiling_with_jitter() -> None:
    rng = random.Random(7)
    for attempt in range(12):
        ceiling = min(MAX_DELAY, FIRST_DELAY * 2**attempt)
        delays = [backoff_delay(attempt, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len({round(d, 6) for d in delays}) > 100  # spread out, not one instant for every waiter
    assert backoff_delay(50, rng) <= MAX_DELAY


@pytest.mark.parametrize(
    "exc",
    [
        _s3_error("NoSuchBucket"),  # the store restarted empty
        _s3_error("AccessDenied"),
        _s3_error("InvalidAccessKeyId"),
        psycopg.errors.UndefinedTable("relation crawl_pages does not exist"),
    ],
)
def test_answers_that_every_later_call_would_get_end_the_crawl(exc: BaseException) -> None:
    assert is_fatal(exc) and not is_outage(exc)


class _Engine:
    def __init__(self) -> None:
        self.spider = object()
        self.paused = False
        self.closed: list[str] = []

    def pause(self) -> None:
        self.paused = True

    def unpause(self) -> None:
        self.paused = False

    def close_spider_async(self, reason: str) -> None:
        self.closed.append(reason)


def _gate() -> tuple[ServiceGate, _Engine]:
    crawler = get_crawler(settings_dict={"CRAWL_OUTAGE_MAX_SECONDS": 600})
    crawler.stats = StatsCollector(crawler)
    engine = _Engine()
    crawler.engine = engine  # type: ignore[assignment]
    return ServiceGate(crawler, max_seconds=600), engine


def test_an_error_answer_ends_the_pause_and_a_fatal_one_the_crawl_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outage, "deferred_from_coro", lambda result: result)  # no reactor in a unit test
    gate, engine = _gate()
    assert gate._failed("object store", ConnectionRefusedError(111, "refused")) is False
    assert engine.paused
    # The store is back, without its bucket: the pause ends and the crawl is closed as failed, once.
    gate._answered("object store")
    for _ in range(3):
        gate._give_up("object store", _s3_error("NoSuchBucket"))
    assert not engine.paused
    assert engine.closed == ["object_store_error: NoSuchBucket"]
