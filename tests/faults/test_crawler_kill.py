"""A crawler process killed (SIGKILL) mid-crawl and started again finishes the site without fetching again
what it had archived and remembered; the only pages fetched twice are those in flight at the kill
(downloaded, perhaps archived, not yet remembered). Every article ends as a record."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.sample_site.generated import article_path
from deploy.settings import Settings
from storage.crawl_state import close_abandoned_runs
from storage.db import connect
from storage.rawstore import MissingObject, RawStore
from tests.helpers import count, local_source, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 400


def test_killed_crawl_resumes_without_refetching(settings: Settings, raw_store: RawStore, tmp_path: Path) -> None:
    with serving_portal(ARTICLES) as portal:
        portal.latency = 0.02  # slow enough to kill it mid-way
        # Anchored, as every source in deploy/sources.toml is: a tracking-tagged link must still be judged
        # an article (canonical first), or the re-crawl fetches remembered pages again in full.
        source = local_source(portal.base_url, article_pattern=r"/news/\d+-novost\.html$", concurrency=4)
        write_sources(tmp_path / "sources.toml", [source])
        env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(tmp_path / "sources.toml"), "LOG_LEVEL": "ERROR"}
        cmd = [sys.executable, "-m", "deploy.cli", "crawl", "portal"]
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 120
        while count(settings, "SELECT count(*) AS n FROM crawl_pages") < ARTICLES // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        first_log = list(portal.log)
        # Its run stays "running" until reconciliation finds it silent (here: at once, not after 5 min).
        with connect(settings.database_url) as conn:
            killed_run = conn.execute("SELECT id FROM crawl_runs WHERE status = 'running'").fetchone()["id"]
            assert close_abandoned_runs(conn, timedelta(0)) == [killed_run]

        remembered = {urlsplit(r["url"]).path for r in _rows(settings, "SELECT url FROM crawl_pages")}
        archived = set()
        for key in raw_store.iter_keys():
            # A body whose facts are missing was cut off by the kill: not a complete archive entry.
            with contextlib.suppress(MissingObject):
                archived.add(urlsplit(raw_store.get_facts(key).url).path)
        assert 0 < len(remembered) < ARTICLES

        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stderr[-3000:]
        second_log = portal.log[len(first_log) :]

    fetched = Counter(p for _, p, s in first_log + second_log if s == 200 and "-novost" in p)
    assert set(fetched) == {article_path(n) for n in range(ARTICLES)}  # the site was finished
    twice = {p for p, n in fetched.items() if n > 1}
    # Nothing remembered was fetched again. What was: pages in flight at the kill (downloaded, maybe
    # archived, not yet remembered).
    assert not twice & remembered
    assert not [p for _, p, s in second_log if p in remembered]  # not even asked (revisit interval)

    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
    try:
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=180)
    finally:
        stop_worker(worker)
    assert count(settings, "SELECT count(*) AS n FROM articles") == ARTICLES
    assert count(settings, "SELECT count(*) AS n FROM failures") == 0
    assert count(settings, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'finished'") == 1
    print(f"killed after {len(remembered)} remembered / {len(archived)} archived; fetched twice: {len(twice)}, "
          f"of which archived before the kill: {len(twice & archived)}")  # fmt: skip


def _rows(settings: Settings, sql: str) -> list[dict]:
    with connect(settings.database_url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[return-value]
