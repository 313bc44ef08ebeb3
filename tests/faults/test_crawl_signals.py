"""A crawl stopped by a signal says so: the run row is `interrupted` (with the counts its heartbeats wrote
while it ran and its close added), the command exits non-zero, and no process of it is left behind
(issue 14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from deploy.settings import Settings
from storage.db import connect
from tests.helpers import count, local_source, serving_portal, write_sources

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signalled_crawl_is_interrupted(settings: Settings, tmp_path: Path, sig: signal.Signals) -> None:
    with serving_portal(400) as portal:
        portal.latency = 0.05  # long enough to be stopped mid-way
        write_sources(tmp_path / "sources.toml", [local_source(portal.base_url, concurrency=2)])
        env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(tmp_path / "sources.toml"), "LOG_LEVEL": "ERROR",
               "CRAWL_HEARTBEAT_SECONDS": "0.5"}  # fmt: skip
        crawl = subprocess.Popen(
            [sys.executable, "-m", "deploy.cli", "crawl", "portal"], env=env, stdout=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while count(settings, "SELECT count(*) AS n FROM crawl_pages") < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        # While it runs, the row shows what it has done so far (heartbeats add the counts).
        while count(settings, "SELECT pages_new AS n FROM crawl_runs") < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        with connect(settings.database_url) as conn:
            assert conn.execute("SELECT status FROM crawl_runs").fetchone()["status"] == "running"
        children = psutil.Process(crawl.pid).children(recursive=True)
        crawl.send_signal(sig)
        out, _ = crawl.communicate(timeout=120)

    assert crawl.returncode == 130, out
    assert "interrupted" in out
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    with connect(settings.database_url) as conn:
        run = conn.execute("SELECT status, finish_reason, pages_new, finished_at FROM crawl_runs").fetchone()
    assert run is not None and run["status"] == "interrupted" and run["finish_reason"] == "interrupted"
    assert run["pages_new"] >= 20 and run["finished_at"] is not None
