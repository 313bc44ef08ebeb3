"""The broker loses its queue mid-crawl (Redis restarted without its data): reconciliation sends the lost
pages again, the record count comes back to the page count, and a second run sends nothing more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_lib

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.generated import PortalServer
from deploy.settings import Settings
from storage.db import connect
from tests.helpers import count, local_source, queued_pages, run_cli, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 80


@pytest.fixture
def portal() -> Iterator[PortalServer]:
    with serving_portal(ARTICLES) as server:
        yield server


def cli(settings: Settings, *args: str, sources_file: Path | None = None) -> str:
    return run_cli(settings, *args, env={"SOURCES_FILE": str(sources_file)} if sources_file else None).stdout


def test_lost_queue_is_reconciled(settings: Settings, portal: PortalServer, tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.toml"
    write_sources(sources_file, [local_source(portal.base_url)])
    cli(settings, "crawl", "portal", sources_file=sources_file)  # no worker yet: every task waits in Redis
    # Five pages were archived but the crawler died before it remembered them.
    with connect(settings.database_url) as conn:
        conn.execute("DELETE FROM crawl_pages WHERE url IN (SELECT url FROM crawl_pages ORDER BY url LIMIT 5)")
    client = redis_lib.Redis.from_url(settings.redis_url)
    queued = queued_pages(client)  # announced in batches: fewer messages than pages
    assert len(queued) == len(set(queued)) == ARTICLES
    client.flushall()  # the broker comes back empty

    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
    try:
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=60)
        assert count(settings, "SELECT count(*) AS n FROM articles") == 0  # nothing arrived: the tasks are gone

        first = cli(settings, "reconcile", "--older-than-minutes", "0")
        assert first.strip().endswith(f"queued {ARTICLES - 5} page(s) again")
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=120)
        assert count(settings, "SELECT count(*) AS n FROM articles") == ARTICLES - 5

        adopted = cli(settings, "reconcile", "--older-than-minutes", "0", "--scan-archive")
        assert adopted.strip().endswith("adopted 5 unremembered object(s); queued 5 page(s) again")
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=120)
        assert count(settings, "SELECT count(*) AS n FROM articles") == ARTICLES

        again = cli(settings, "reconcile", "--older-than-minutes", "0", "--scan-archive")
        assert again.strip() == "adopted 0 unremembered object(s); queued 0 page(s) again"
        assert count(settings, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'finished'") == 1
    finally:
        stop_worker(worker)
    assert count(settings, "SELECT count(*) AS n FROM failures") == 0
    assert count(settings, "SELECT count(*) AS n FROM article_versions") == ARTICLES
