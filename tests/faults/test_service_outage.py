"""A service goes away for 20 s in the middle of a crawl, then comes back (tests/faults/outage_proxy.py
takes it away from the crawler and the worker alike: open connections closed, new ones refused).

- object store: the crawler pauses instead of dropping pages (no request leaves it once it noticed, its
  memory stays flat), retries, resumes; every page ends archived and normalized, each fetched once.
- database: the same for the crawler's state lookups and writes, and the worker's tasks retry; every
  page ends in PostgreSQL.
- broker: Redis comes back empty (restarted without its data): the crawler's announcements wait for it,
  and reconciliation re-sends the tasks the lost queue held; the record count comes back to the page count.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import redis as redis_lib

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.generated import PortalServer, article_path
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import RawStore
from tests.faults.outage_proxy import OutageProxy, http_proxy, postgres_proxy, redis_proxy
from tests.helpers import count, local_source, run_cli, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 300
OUTAGE_SECONDS = 20.0
# Requests the engine had handed to the downloader before it paused still go out (Scrapy's downloader
# holds up to CONCURRENT_REQUESTS); nothing more may.
DOWNLOADER_QUEUE = 32


def _through_proxy(settings: Settings, service: str) -> tuple[OutageProxy, Settings]:
    if service == "object store":
        proxy, endpoint = http_proxy(settings.s3_endpoint)
        return proxy, replace(settings, s3_endpoint=endpoint)
    if service == "database":
        proxy, dsn = postgres_proxy(settings.database_url)
        return proxy, replace(settings, database_url=dsn)
    proxy, url = redis_proxy(settings.redis_url)
    return proxy, replace(settings, redis_url=url)


@dataclass
class Outage:
    article_requests_before: int = 0
    article_requests_noticed: int = -1  # when the crawler logged the outage
    seconds_to_notice: float = 0.0  # the S3 client's own retries (~6 s), or the pool's wait (5 s)
    article_requests_after: int = 0  # when the service came back
    rss_at_cut_kib: int = 0
    rss_peak_kib: int = 0
    worker_restarts: int = 0


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _article_requests(portal: PortalServer) -> int:
    with portal.log_lock:
        return sum(1 for _, path, _ in portal.log if "-novost" in path)


def _wait_for_records(settings: Settings, expected: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (n := count(settings, "SELECT count(*) AS n FROM articles")) < expected and time.monotonic() < deadline:
        time.sleep(0.5)
    return n


@pytest.mark.parametrize("service", ["object store", "database", "broker"])
def test_service_away_mid_crawl(service: str, settings: Settings, raw_store: RawStore, tmp_path: Path) -> None:
    proxy, via = _through_proxy(settings, service)
    outage = Outage()
    with serving_portal(ARTICLES) as portal:
        portal.latency = 0.05  # a crawl of ~15 s: long enough to be cut in the middle
        sources_file = tmp_path / "sources.toml"
        write_sources(sources_file, [local_source(portal.base_url, concurrency=2)])
        via = replace(via, sources_file=str(sources_file))
        worker = start_worker(via, tmp_path / "worker.log", concurrency=2)
        crawl_log = tmp_path / "crawl.log"
        env = {**os.environ, **via.to_env(), "LOG_LEVEL": "WARNING"}
        with open(crawl_log, "wb") as log_file:
            crawler = subprocess.Popen([sys.executable, "-m", "deploy.cli", "crawl", "portal"], env=env,
                                       stdout=log_file, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while _article_requests(portal) < ARTICLES // 6 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert crawler.poll() is None, crawl_log.read_text()[-3000:]

            proxy.cut()
            cut_at = time.monotonic()
            outage.article_requests_before = _article_requests(portal)
            outage.rss_at_cut_kib = _rss_kib(crawler.pid)
            if service == "broker":  # Redis restarted without its data: every queued task is gone
                redis_lib.Redis.from_url(settings.redis_url).flushall()
            while (elapsed := time.monotonic() - cut_at) < OUTAGE_SECONDS:
                if outage.article_requests_noticed < 0 and f"{service} unavailable" in crawl_log.read_text():
                    outage.article_requests_noticed = _article_requests(portal)
                    outage.seconds_to_notice = round(elapsed, 1)
                outage.rss_peak_kib = max(outage.rss_peak_kib, _rss_kib(crawler.pid))
                time.sleep(0.2)
            outage.article_requests_after = _article_requests(portal)
            proxy.restore()

            assert crawler.wait(timeout=300) == 0, crawl_log.read_text()[-3000:]
            if worker.poll() is not None:
                # Celery's worker can die on a lost broker connection (an ack on the dropped connection,
                # "Unrecoverable error: AttributeError ... 'hostname'"); compose restarts it, so here too.
                outage.worker_restarts += 1
                worker = start_worker(via, tmp_path / "worker.log", concurrency=2)
            wait_for_queue(via, worker, report=lambda depth: None, timeout=300)
            if service == "broker":
                run_cli(via, "reconcile", "--older-than-minutes", "0")
            records = _wait_for_records(settings, ARTICLES, timeout=180)
        finally:
            if crawler.poll() is None:
                crawler.kill()
            stop_worker(worker)
            proxy.close()
        fetched = Counter(path for _, path, status in portal.log if status == 200 and "-novost" in path)

    crawl_output = crawl_log.read_text()
    print(f"{service}: {outage}; records {records}")
    assert f"{service} unavailable" in crawl_output and f"{service} back after" in crawl_output, crawl_output[-3000:]
    # Paused: once the crawler noticed, only what the downloader already held was requested.
    assert outage.article_requests_noticed >= 0
    assert outage.article_requests_after - outage.article_requests_noticed <= DOWNLOADER_QUEUE
    assert outage.article_requests_after < ARTICLES
    # Bounded: nothing piles up in the crawler while it waits.
    assert outage.rss_peak_kib - outage.rss_at_cut_kib < 30 * 1024
    # Every page archived, normalized, stored once; fetched once.
    assert fetched == Counter({article_path(n): 1 for n in range(ARTICLES)})
    assert records == ARTICLES
    assert count(settings, "SELECT count(*) AS n FROM failures") == 0
    with connect(settings.database_url) as conn:
        keys = [row["raw_key"] for row in conn.execute("SELECT raw_key FROM articles")]
    assert len(set(keys)) == ARTICLES
    assert all(raw_store.get(key) for key in keys)
