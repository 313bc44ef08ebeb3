"""The object store killed (kill -9) in the middle of a crawl and started again on its data 10 s later: the
crawl waits for it and finishes by itself, the worker's tasks wait for it, every article ends stored once
and every raw object is there, intact (issue 15). A real S3 server that keeps its objects on disk
(SeaweedFS, deploy/seaweedfs.py), started by this test; a real kill."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from deploy import seaweedfs
from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.generated import PortalServer, article_path
from deploy.settings import Settings
from tests.helpers import count, local_source, run_cli, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 500
DOWN_SECONDS = 10.0


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


def test_object_store_killed_and_restarted_with_its_data(settings: Settings, tmp_path: Path) -> None:
    try:
        seaweedfs.weed_binary()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    server = seaweedfs.Seaweed.create(tmp_path / "s3", "kill-test", "kill-test-secret")
    local = replace(settings, s3_endpoint=server.endpoint, s3_access_key=server.access_key,
                    s3_secret_key=server.secret_key, s3_bucket="restarted-with-data",
                    sources_file=str(tmp_path / "sources.toml"))  # fmt: skip
    store = seaweedfs.start(server)
    with serving_portal(ARTICLES) as portal:
        portal.latency = 0.01  # slow enough to kill the store mid-way
        write_sources(tmp_path / "sources.toml", [local_source(portal.base_url, concurrency=4)])
        worker = start_worker(local, tmp_path / "worker.log", concurrency=2)
        crawl_log = tmp_path / "crawl.log"
        with open(crawl_log, "wb") as out:
            crawl = subprocess.Popen([sys.executable, "-m", "deploy.cli", "crawl", "portal"],
                                     env={**os.environ, **local.to_env(), "LOG_LEVEL": "WARNING"},
                                     stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            _wait_for(lambda: count(local, "SELECT count(*) AS n FROM crawl_pages") >= ARTICLES // 3, timeout=120)
            store.kill()  # SIGKILL
            store.wait()
            killed_at = time.monotonic()
            requests_at_kill = _article_requests(portal)
            remembered_at_kill = count(local, "SELECT count(*) AS n FROM crawl_pages")
            seconds_to_notice = _wait_for(lambda: "object store unavailable" in crawl_log.read_text(), timeout=30)
            requests_at_notice = _article_requests(portal)
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - killed_at)))  # the outage itself
            requests_at_restart = _article_requests(portal)
            store = seaweedfs.start(server)  # same folder, same ports

            assert crawl.wait(timeout=180) == 0, crawl_log.read_text()[-3000:]
            wait_for_queue(local, worker, report=lambda depth: None, timeout=180)
        finally:
            if crawl.poll() is None:
                crawl.kill()
            stop_worker(worker)
        fetched = Counter(path for _, path, status in portal.log if status == 200 and "-novost" in path)

        try:
            audit = run_cli(local, "audit").stdout  # every record's raw object read back and checked
        finally:
            seaweedfs.stop(server, store)
    crawl_output = crawl_log.read_text()
    print(f"killed with {remembered_at_kill} pages remembered; noticed after {seconds_to_notice:.1f} s; "
          f"article requests: {requests_at_kill} at the kill, {requests_at_notice} at the notice, "
          f"{requests_at_restart} at the restart; "
          f"crawl: {crawl_output.strip().splitlines()[-1]}; audit: {audit.strip()}")  # fmt: skip
    assert "object store back after" in crawl_output, crawl_output[-3000:]
    # Paused: after the notice only what the downloader already held went out (≤ CRAWL_CONCURRENCY).
    assert requests_at_restart - requests_at_notice <= local.crawl_concurrency
    # Finished by itself; every article fetched once, stored once, its raw object there and intact.
    assert fetched == Counter({article_path(n): 1 for n in range(ARTICLES)})
    assert count(local, "SELECT count(*) AS n FROM articles") == ARTICLES
    assert count(local, "SELECT count(DISTINCT url) AS n FROM articles") == ARTICLES
    assert count(local, "SELECT count(*) AS n FROM article_versions") == ARTICLES
    assert count(local, "SELECT count(*) AS n FROM failures") == 0
    assert count(local, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'finished'") == 1
    assert audit.startswith(f"checked {ARTICLES} raw object(s): 0 missing, 0 altered"), audit
