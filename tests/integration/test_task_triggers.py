"""Other systems trigger work by sending tasks by name from a plain Celery client (no project import):
a crawl of one source (a crawl_runs row appears) and re-processing a source from the archive."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from deploy.demo import stop_worker
from deploy.sample_site.server import SampleSiteServer
from deploy.sample_site.sites import sample_sources
from deploy.settings import Settings
from storage.db import connect
from tests.helpers import write_sources

pytestmark = pytest.mark.integration


def wait_until(check: Callable[[], Any], timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError("condition not met")


def query(settings: Settings, sql: str) -> list[dict[str, Any]]:
    with connect(settings.database_url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[return-value]


def test_tasks_sent_by_name(settings: Settings, tmp_path: Path) -> None:
    with SampleSiteServer() as site:
        sources_file = tmp_path / "sources.toml"
        write_sources(sources_file, sample_sources(site.base_url))
        env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(sources_file), "LOG_LEVEL": "WARNING"}
        log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 -- closed below, after the worker
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "-Q", "crawl,normalize,default",
             "-c", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = Celery(broker=settings.redis_url)  # knows nothing of the project
        try:
            client.send_task("newsarchive.crawl_source", args=["sample-mrc"], queue="crawl")
            runs = wait_until(
                lambda: (
                    query(settings, "SELECT * FROM crawl_runs WHERE status <> 'running'")
                    and query(settings, "SELECT count(*) AS n FROM articles")[0]["n"] == 8
                    and query(settings, "SELECT * FROM crawl_runs")
                )
            )
            assert [(r["trigger"], r["status"], r["pages_new"]) for r in runs] == [("task", "finished", 8)]
            before = {r["url"]: r["normalized_at"] for r in query(settings, "SELECT url, normalized_at FROM articles")}
            fetched_by_crawl = len(site.log.entries)

            worker_log = tmp_path / "worker.log"

            def reprocessed() -> int:  # reprocess tasks the worker finished, and what they found
                text = worker_log.read_text(encoding="utf-8", errors="replace")
                return len(re.findall(r"Task newsarchive\.reprocess\[[^]]+\] succeeded in [^:]+: 'unchanged'", text))

            client.send_task("newsarchive.reprocess_source", args=["sample-mrc"], queue="normalize")
            wait_until(lambda: reprocessed() == 8)
            client.send_task("newsarchive.reprocess_article", args=[next(iter(before))], queue="normalize")
            wait_until(lambda: reprocessed() == 9)
            # Same bytes, same code: the records are not even touched.
            after = {r["url"]: r["normalized_at"] for r in query(settings, "SELECT url, normalized_at FROM articles")}
            assert after == before
            assert len(site.log.entries) == fetched_by_crawl  # re-processing used the archive, not the site
        finally:
            stop_worker(worker)
            log.close()
    # Same bytes, same code: re-processing wrote no new version and no failure.
    assert query(settings, "SELECT count(*) AS n FROM article_versions")[0]["n"] == 8
    assert query(settings, "SELECT * FROM failures") == []
