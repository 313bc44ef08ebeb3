"""Incremental crawling on real services: a second crawl of an unchanged site downloads no article body
(the server answers 304), an edited article is downloaded again and gets a new version, and articles
past the revisit window are not requested at all. Every crawl leaves a crawl_runs row."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.generated import PortalServer, article_path
from deploy.settings import Settings
from storage.db import connect
from tests.helpers import local_source, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 60
EDITED = 7


@pytest.fixture
def portal() -> Iterator[PortalServer]:
    with serving_portal(ARTICLES) as server:
        yield server


def crawl(settings: Settings, sources_file: Path, server: PortalServer) -> list[tuple[str, str, int]]:
    """One `newsarchive crawl portal`; returns the server log of that crawl only."""
    before = len(server.log)
    env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(sources_file), "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-m", "deploy.cli", "crawl", "portal"], env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return server.log[before:]


def article_fetches(log: list[tuple[str, str, int]]) -> Counter[tuple[str, int]]:
    return Counter((path, status) for _, path, status in log if "-novost" in path)


def test_recrawl_downloads_only_what_changed(settings: Settings, portal: PortalServer, tmp_path: Path) -> None:
    source = local_source(portal.base_url, revisit_days=3, revisit_after_minutes=0)
    sources_file = tmp_path / "sources.toml"
    write_sources(sources_file, [source])
    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
    try:
        first = article_fetches(crawl(settings, sources_file, portal))
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=120)
        assert sorted(first) == sorted((article_path(n), 200) for n in range(ARTICLES))

        urllib.request.urlopen(urllib.request.Request(f"{portal.base_url}/__edit/{EDITED}", method="POST"))
        second = article_fetches(crawl(settings, sources_file, portal))
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=120)
    finally:
        stop_worker(worker)

    # Unchanged articles: asked conditionally, answered 304, no body. The edited one: 200, once.
    assert second == Counter({(article_path(n), 304): 1 for n in range(ARTICLES) if n != EDITED}) + Counter(
        {(article_path(EDITED), 200): 1}
    )
    with connect(settings.database_url) as conn:
        versions = conn.execute(
            "SELECT a.url, count(*) AS n, array_agg(v.body ORDER BY v.fetched_at) AS bodies FROM article_versions v"
            " JOIN articles a ON a.id = v.article_id GROUP BY a.url"
        ).fetchall()
        runs = conn.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
        articles = conn.execute("SELECT count(*) AS n FROM articles").fetchone()
    assert articles["n"] == ARTICLES  # type: ignore[index]
    by_url = {row["url"]: row for row in versions}
    edited = by_url[portal.base_url + article_path(EDITED)]
    assert edited["n"] == 2 and "версия 1" in edited["bodies"][1] and "версия 1" not in edited["bodies"][0]
    assert all(row["n"] == 1 for url, row in by_url.items() if not url.endswith(article_path(EDITED)))

    assert [(r["trigger"], r["status"], r["finish_reason"]) for r in runs] == [("cli", "finished", "finished")] * 2
    assert (runs[0]["pages_new"], runs[0]["pages_changed"], runs[0]["pages_unchanged"]) == (ARTICLES, 0, 0)
    assert (runs[1]["pages_new"], runs[1]["pages_changed"], runs[1]["pages_unchanged"]) == (0, 1, ARTICLES - 1)
    assert runs[1]["pages_failed"] == 0 and runs[1]["finished_at"] >= runs[1]["started_at"]


def test_revisit_policy_stops_requests(settings: Settings, portal: PortalServer, tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.toml"
    # Fetched a moment ago: within the revisit interval, nothing is asked again.
    write_sources(sources_file, [local_source(portal.base_url, revisit_after_minutes=30)])
    crawl(settings, sources_file, portal)
    assert article_fetches(crawl(settings, sources_file, portal)) == Counter()
    # A zero-day window: every known article is past it, and is never requested again.
    write_sources(sources_file, [local_source(portal.base_url, revisit_days=0, revisit_after_minutes=0)])
    assert article_fetches(crawl(settings, sources_file, portal)) == Counter()
    with connect(settings.database_url) as conn:
        runs = conn.execute("SELECT pages_new, pages_skipped FROM crawl_runs ORDER BY id").fetchall()
    assert [(r["pages_new"], r["pages_skipped"]) for r in runs] == [(ARTICLES, 0), (0, ARTICLES), (0, ARTICLES)]


def test_runs_command_lists_recent_runs(settings: Settings, portal: PortalServer, tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.toml"
    write_sources(sources_file, [local_source(portal.base_url)])
    crawl(settings, sources_file, portal)
    env = {**os.environ, **settings.to_env(), "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-m", "deploy.cli", "runs", "--source", "portal"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.strip().splitlines()
    assert header.split()[:4] == ["run", "source", "trigger", "status"]
    fields = row.split()
    assert fields[1:4] == ["portal", "cli", "finished"] and fields[-6] == str(ARTICLES)  # pages_new
