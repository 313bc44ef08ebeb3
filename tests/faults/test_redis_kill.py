"""redis-server killed (kill -9) in the middle of a crawl and started again from its append-only file: the
crawler waits for it, the queued tasks survive, and every article ends stored once (issue 15). A real
server process with AOF on (`appendfsync always`), as in the compose deployment; a real kill."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.local_services import free_port, redis_server_binary, server_process
from deploy.settings import Settings
from tests.helpers import count, local_source, run_cli, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 300


def test_redis_killed_and_restarted_from_its_aof(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "redis"
    data.mkdir()
    redis_cmd = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
                 "--appendonly", "yes", "--appendfsync", "always", "--save", ""]  # fmt: skip
    local = replace(settings, redis_url=f"redis://127.0.0.1:{port}/0")
    sources_file = tmp_path / "sources.toml"
    with contextlib.ExitStack() as stack:
        portal = stack.enter_context(serving_portal(ARTICLES))
        portal.latency = 0.01
        write_sources(sources_file, [local_source(portal.base_url, concurrency=4)])
        first = stack.enter_context(server_process(redis_cmd, port, "redis-server"))
        crawl = subprocess.Popen(  # no worker yet: the announced tasks wait in Redis
            [sys.executable, "-m", "deploy.cli", "crawl", "portal"],
            env={**os.environ, **local.to_env(), "SOURCES_FILE": str(sources_file), "LOG_LEVEL": "ERROR"},
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while count(local, "SELECT count(*) AS n FROM crawl_pages") < ARTICLES // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.kill()  # SIGKILL
        first.wait()
        killed_at = count(local, "SELECT count(*) AS n FROM crawl_pages")
        time.sleep(3)
        stack.enter_context(server_process(redis_cmd, port, "redis-server"))  # replays its AOF
        out, _ = crawl.communicate(timeout=300)
        assert crawl.returncode == 0, out
        assert ", finished:" in out

        worker = start_worker(local, tmp_path / "worker.log", concurrency=2)
        try:
            wait_for_queue(local, worker, report=lambda depth: None, timeout=240)
            # A task between the broker's pop and the kill can be lost with the broker: reconciliation.
            run_cli(local, "reconcile", "--older-than-minutes", "0")
            wait_for_queue(local, worker, report=lambda depth: None, timeout=240)
        finally:
            stop_worker(worker)
        print(f"redis killed with {killed_at} pages remembered; crawl output: {out.strip()}")

    assert count(local, "SELECT count(*) AS n FROM articles") == ARTICLES
    assert count(local, "SELECT count(*) AS n FROM article_versions") == ARTICLES  # none doubled
    assert count(local, "SELECT count(*) AS n FROM failures") == 0
    assert count(local, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'finished'") == 1
