"""End to end: real Scrapy crawls the sample site into a real S3 API server, a real Celery worker
process consumes over real Redis, and real PostgreSQL ends with one record per article page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from deploy.sample_site.server import SampleSiteServer
from deploy.sample_site.sites import SITES, sample_sources
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import RawStore
from tests.helpers import write_sources

pytestmark = pytest.mark.e2e


def test_sample_site_end_to_end(settings: Settings, raw_store: RawStore, tmp_path: Path) -> None:
    articles = [a for site in SITES for a in load_site(site.name)]
    with SampleSiteServer() as site:
        sources_file = tmp_path / "sources.toml"
        write_sources(sources_file, sample_sources(site.base_url))
        env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(sources_file), "LOG_LEVEL": "WARNING"}
        worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
        try:
            crawl = subprocess.run(
                [sys.executable, "-m", "deploy.cli", "crawl", "--all"],
                env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert crawl.returncode == 0, crawl.stderr[-3000:]
            wait_for_queue(settings, worker, report=lambda depth: None, timeout=180)
        finally:
            stop_worker(worker)
        fetched = site.log.paths()

    with connect(settings.database_url) as conn:
        records = conn.execute("SELECT url, title, raw_key FROM articles ORDER BY url").fetchall()
        failures = conn.execute("SELECT url, reason FROM failures").fetchall()
    assert failures == []
    expected_urls = sorted(site.base_url + article_url(a) for a in articles)
    assert [r["url"] for r in records] == expected_urls
    assert len(records) == len(articles) >= 30
    # Every article page was fetched once, and its archived bytes are those the server sent.
    for a in articles:
        assert fetched.count(article_url(a)) == 1, article_url(a)
    by_url = {r["url"]: r for r in records}
    for a in articles:
        record = by_url[site.base_url + article_url(a)]
        assert record["title"] == a.title
        assert raw_store.get(record["raw_key"]) == file_for(article_url(a)).read_bytes()
