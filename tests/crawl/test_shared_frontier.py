"""Two crawler processes sharing one frontier in Redis (scrapy-redis) on a 1,000-page local site, with the
real pipelines into real S3, Redis and PostgreSQL: every page fetched exactly once (server log), and
sooner than one process alone.

The site answers each article after 100 ms and the source allows 2 connections per process, as a polite
crawl of a remote site would: that, not this machine's two cores, is what bounds one process (about 20
pages/s), and what a second process adds to; two processes stay below what the archive's S3 server
takes here, so the comparison does not turn on machine load. (On loopback with no latency the archive's
S3 server is the bottleneck and a second crawler cannot help; see docs/benchmarks.md.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.local_services import free_port, wait_for_port
from deploy.sample_site.generated import article_path
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import RawStore
from tests.helpers import ROOT, local_source, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 1000


@pytest.fixture
def portal_url() -> Iterator[str]:
    """The portal in its own process: the server must not share a GIL with the test."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "deploy.sample_site.generated", "--articles", str(ARTICLES), "--port", str(port),
         "--latency-ms", "100"],
        cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port, proc, "portal")  # type: ignore[arg-type]
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait()


def server_log(base: str) -> list[tuple[str, str, int]]:
    with urllib.request.urlopen(base + "/__log") as response:
        return [tuple(entry) for entry in json.load(response)]


def crawl(settings: Settings, sources_file: Path, *extra: str) -> float:
    env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(sources_file), "LOG_LEVEL": "WARNING",
           "FRONTIER_IDLE_SECONDS": "2", "CRAWL_AUTOTHROTTLE_TARGET": "4"}  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "deploy.cli", "crawl", "portal", *extra],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return time.perf_counter() - started


def fresh_archive(settings: Settings, bucket: str) -> Settings:
    """A new bucket and no crawl state: the next crawl does the whole site's work again."""
    with connect(settings.database_url) as conn:
        conn.execute("TRUNCATE crawl_pages")
    moved = replace(settings, s3_bucket=bucket)
    RawStore.from_settings(moved).ensure_bucket()
    return moved


def test_two_processes_split_the_site(settings: Settings, portal_url: str, tmp_path: Path) -> None:
    source = local_source(portal_url, concurrency=2)
    sources_file = tmp_path / "sources.toml"
    write_sources(sources_file, [source])

    one = crawl(fresh_archive(settings, settings.s3_bucket + "-one"), sources_file)
    single_log = server_log(portal_url)
    two = crawl(fresh_archive(settings, settings.s3_bucket + "-two"), sources_file, "--processes", "2")
    shared_log = server_log(portal_url)[len(single_log) :]

    for log in (single_log, shared_log):
        fetched = Counter(path for _, path, status in log if status == 200 and "-novost" in path)
        assert fetched == Counter({article_path(n): 1 for n in range(ARTICLES)})
        # Listings, feeds and sitemaps once each too (robots.txt: once per process by Scrapy's robots
        # middleware, plus once for its Sitemap lines).
        others = Counter(path for _, path, _ in log if "-novost" not in path and path != "/robots.txt")
        assert max(others.values()) == 1, others.most_common(3)

    with connect(settings.database_url) as conn:
        runs = conn.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
        stored = conn.execute("SELECT count(*) AS n FROM crawl_pages").fetchone()
    assert [(r["processes"], r["processes_done"], r["status"]) for r in runs] == [
        (1, 1, "finished"),
        (2, 2, "finished"),
    ]
    assert runs[1]["pages_new"] == ARTICLES == stored["n"]  # type: ignore[index]
    print(f"one process {one:.1f} s, two processes {two:.1f} s")
    assert two < one
