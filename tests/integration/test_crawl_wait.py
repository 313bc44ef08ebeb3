"""`newsarchive crawl --wait` returns when the workers have normalized what the crawl archived, with a
progress bar and a summary (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker
from deploy.settings import Settings
from tests.helpers import count, local_source, run_cli, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 20


def test_crawl_waits_for_its_pages_to_be_normalized(settings: Settings, tmp_path: Path) -> None:
    write_sources_file = tmp_path / "sources.toml"
    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
    try:
        with serving_portal(ARTICLES) as portal:
            write_sources(write_sources_file, [local_source(portal.base_url)])
            done = run_cli(settings, "crawl", "portal", "--wait", env={"SOURCES_FILE": str(write_sources_file)})
    finally:
        stop_worker(worker)
    print(done.stdout, done.stderr.rsplit("\r", 1)[-1], sep="")  # README, "CLI", shows this output
    assert f"normalized {ARTICLES} of {ARTICLES} archived pages, 0 failed" in done.stdout
    assert "normalized:" in done.stderr and "100%" in done.stderr  # the progress bar
    assert count(settings, "SELECT count(*) AS n FROM articles") == ARTICLES  # nothing left to wait for
