"""PostgreSQL stopped for real in the middle of a crawl (`pg_ctl stop -m immediate`: every server process
quits at once, as in a crash), started again on the same port and data folder 15 s later: the crawl waits
for it and finishes by itself, the worker's tasks wait for it, and every article ends stored once (issue
15). The server is one this test owns (tests/faults/owned_postgres.py), not the one of DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.generated import PortalServer, article_path
from deploy.settings import Settings
from storage.migrate import apply_migrations
from tests.faults.owned_postgres import owned_postgres
from tests.helpers import count, local_source, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 500
DOWN_SECONDS = 15.0


@dataclass
class Stop:
    article_requests_at_stop: int = 0
    article_requests_at_notice: int = 0
    seconds_to_notice: float = 0.0
    article_requests_at_restart: int = 0


def _article_requests(portal: PortalServer) -> int:
    with portal.log_lock:
        return sum(1 for _, path, _ in portal.log if "-novost" in path)


def _wait_for(condition: Callable[[], bool], timeout: float) -> float:
    """Seconds until `condition()` held; fails the test if it did not within `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"not within {timeout:.0f} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_postgres_stopped_and_restarted_mid_crawl(settings: Settings, tmp_path: Path) -> None:
    stop = Stop()
    with owned_postgres() as pg, serving_portal(ARTICLES) as portal:
        apply_migrations(pg.url)
        local = replace(settings, database_url=pg.url, sources_file=str(tmp_path / "sources.toml"))
        portal.latency = 0.01  # slow enough to stop the database mid-way
        write_sources(tmp_path / "sources.toml", [local_source(portal.base_url, concurrency=4)])
        worker = start_worker(local, tmp_path / "worker.log", concurrency=2)
        crawl_log = tmp_path / "crawl.log"
        with open(crawl_log, "wb") as out:
            crawl = subprocess.Popen([sys.executable, "-m", "deploy.cli", "crawl", "portal"],
                                     env={**os.environ, **local.to_env(), "LOG_LEVEL": "WARNING"},
                                     stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            _wait_for(lambda: count(local, "SELECT count(*) AS n FROM crawl_pages") >= ARTICLES // 3, timeout=120)
            pg.stop("immediate")
            stopped_at = time.monotonic()
            stop.article_requests_at_stop = _article_requests(portal)
            noticed = _wait_for(lambda: "database unavailable" in crawl_log.read_text(), timeout=DOWN_SECONDS)
            stop.article_requests_at_notice = _article_requests(portal)
            stop.seconds_to_notice = round(noticed, 1)
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - stopped_at)))  # the outage itself
            stop.article_requests_at_restart = _article_requests(portal)
            pg.start()

            assert crawl.wait(timeout=180) == 0, crawl_log.read_text()[-3000:]
            wait_for_queue(local, worker, report=lambda depth: None, timeout=180)
        finally:
            if crawl.poll() is None:
                crawl.kill()
            stop_worker(worker)
        fetched = Counter(path for _, path, status in portal.log if status == 200 and "-novost" in path)

        crawl_output = crawl_log.read_text()
        print(f"{stop}; crawl: {crawl_output.strip().splitlines()[-1]}")
        assert "database back after" in crawl_output, crawl_output[-3000:]
        # Every article request waits for its state lookup before the downloader takes it: once the database
        # was gone only what the downloader already held went out (≤ CRAWL_CONCURRENCY), noticed or not yet.
        assert stop.article_requests_at_restart - stop.article_requests_at_stop <= local.crawl_concurrency
        assert stop.article_requests_at_restart < ARTICLES
        # Finished by itself, every article fetched once and stored once, nothing lost.
        assert fetched == Counter({article_path(n): 1 for n in range(ARTICLES)})
        assert count(local, "SELECT count(*) AS n FROM articles") == ARTICLES
        assert count(local, "SELECT count(DISTINCT url) AS n FROM articles") == ARTICLES
        assert count(local, "SELECT count(*) AS n FROM article_versions") == ARTICLES
        assert count(local, "SELECT count(*) AS n FROM crawl_pages") == ARTICLES
        assert count(local, "SELECT count(*) AS n FROM failures") == 0
        assert count(local, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'finished'") == 1
