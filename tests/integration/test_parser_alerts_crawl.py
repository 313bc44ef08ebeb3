"""Parser health end to end (issue 17): the sample site is crawled, then one outlet is served in a new template
(its views counter moved, its credit line reworded) and crawled again: exactly that outlet and those fields
get alerts, each with one WARNING line. Served in its old template again, the next crawl clears them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.redesign import LOST_FIELDS
from deploy.sample_site.server import SampleSiteServer
from deploy.sample_site.sites import sample_sources
from deploy.settings import Settings
from storage.db import connect
from tests.helpers import ROOT, run_cli, write_sources

pytestmark = pytest.mark.integration


def test_a_redesigned_outlet_alerts_on_exactly_the_fields_it_lost(settings: Settings, tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.toml"
    # The sample outlets have 7-9 articles, below the default HEALTH_MIN_RECORDS (10).
    env = {"SOURCES_FILE": str(sources_file), "HEALTH_MIN_RECORDS": "5"}
    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)

    def crawl_and_check_health() -> subprocess.CompletedProcess[str]:
        crawl = subprocess.run(
            [sys.executable, "-m", "deploy.cli", "crawl", "--all"],
            env={**os.environ, **settings.to_env(), **env, "LOG_LEVEL": "WARNING"},
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=180)
        return run_cli(settings, "health", env=env)

    def open_alerts() -> set[tuple[str, str]]:
        with connect(settings.database_url) as conn:
            rows = conn.execute("SELECT source, field FROM api.parser_alerts WHERE cleared_at IS NULL").fetchall()
        return {(r["source"], r["field"]) for r in rows}

    try:
        with SampleSiteServer() as site:
            # Known articles are asked for again on every crawl (the default waits 30 minutes).
            sources = [replace(s, extra={**s.extra, "revisit_after_minutes": 0}) for s in sample_sources(site.base_url)]
            write_sources(sources_file, sources)
            first = crawl_and_check_health()
            assert "open alerts: 0" in first.stdout and open_alerts() == set()

            site.redesigned = {"metro"}
            second = crawl_and_check_health()
            print(second.stdout)  # README, "Parser health", shows this output
            runs = run_cli(settings, "health", "--source", "sample-metro", "--no-update", env=env).stdout
            print(runs)
            assert (
                len([line for line in runs.splitlines() if line.startswith("sample-metro ")]) == 1 + 2
            )  # a day, 2 runs
            assert open_alerts() == {("sample-metro", field) for field in LOST_FIELDS}
            warnings = [line for line in second.stderr.splitlines() if " WARNING " in line]
            assert len(warnings) == 2 and all("parser alert: sample-metro " in w for w in warnings), second.stderr
            assert "open alerts: 2" in second.stdout

            site.redesigned = set()
            third = crawl_and_check_health()
            assert open_alerts() == set() and "open alerts: 0" in third.stdout
            assert " WARNING " not in third.stderr
    finally:
        stop_worker(worker)

    with connect(settings.database_url) as conn:
        history = conn.execute("SELECT source, field, before, now, records_affected, cleared_at"
                               " FROM api.parser_alerts ORDER BY field").fetchall()  # fmt: skip
        runs = conn.execute("SELECT source, pages_changed FROM api.crawl_runs ORDER BY run_id").fetchall()
        health = conn.execute(
            "SELECT source, views_share, photo_credits_share FROM api.parser_health_runs ORDER BY run_id"
        ).fetchall()
    assert [(h["field"], h["before"], h["now"], h["records_affected"]) for h in history] == [
        ("photo_credits", 1, 1, 0),  # cleared: the latest records have it again
        ("views", 1, 1, 0),
    ]
    assert all(h["cleared_at"] is not None for h in history)
    # Only the redesigned outlet's pages changed, in the second crawl and again in the third.
    changed = [(r["source"], r["pages_changed"]) for r in runs if r["pages_changed"]]
    assert changed == [("sample-metro", 7), ("sample-metro", 7)]
    metro = [
        (float(h["views_share"]), float(h["photo_credits_share"])) for h in health if h["source"] == "sample-metro"
    ]
    assert metro == [(1, 1), (0, 0), (1, 1)]
