"""The object store killed (kill -9) mid-crawl and restarted empty, without its bucket: the crawl does not
pause forever, it ends `failed` with the store's answer; `newsarchive audit` finds the records and
remembered pages whose raw objects are gone and forgets them; the next crawl fetches them again; in the end
every article is stored, with its raw object, once (issue 15). A real server process, a real kill: moto
keeps its objects in memory, so its restart is the "restarted empty" case."""

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
from deploy.local_services import free_port, server_process
from deploy.settings import Settings
from storage.db import connect
from tests.helpers import count, local_source, run_cli, serving_portal, write_sources

pytestmark = pytest.mark.integration

ARTICLES = 200


def test_object_store_restarted_empty(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    s3_cmd = [sys.executable, "-m", "deploy.s3_server", "--port", str(port)]
    local = replace(settings, s3_endpoint=f"http://127.0.0.1:{port}", s3_bucket="restarted-empty")
    sources_file = tmp_path / "sources.toml"
    env = {"SOURCES_FILE": str(sources_file), "CRAWL_OUTAGE_MAX_SECONDS": "60"}
    with contextlib.ExitStack() as stack:
        portal = stack.enter_context(serving_portal(ARTICLES))
        portal.latency = 0.01  # slow enough to kill the store mid-way
        write_sources(sources_file, [local_source(portal.base_url, concurrency=4)])
        first_store = stack.enter_context(server_process(s3_cmd, port, "S3 API server"))
        worker = start_worker(local, tmp_path / "worker.log", concurrency=2)
        stack.callback(stop_worker, worker)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "deploy.cli", "crawl", "portal"],
            env={**os.environ, **local.to_env(), **env, "LOG_LEVEL": "ERROR"}, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while count(local, "SELECT count(*) AS n FROM crawl_pages") < ARTICLES // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        first_store.kill()  # SIGKILL: everything it held is gone
        first_store.wait()
        stack.enter_context(server_process(s3_cmd, port, "S3 API server"))  # back, empty: no bucket
        out, _ = crawl.communicate(timeout=180)

        # Not paused forever: ended by the store's answer, failed, in bounded time.
        assert crawl.returncode == 1, out
        assert "object_store_error: NoSuchBucket" in out
        with connect(local.database_url) as conn:
            run = conn.execute("SELECT status, finish_reason FROM crawl_runs").fetchone()
        assert run is not None and run["status"] == "failed"
        assert run["finish_reason"] == "object_store_error: NoSuchBucket"

        # The archive behind the records and remembered pages is gone: the audit says so, and forgets them.
        audited = run_cli(local, "audit", status=1).stdout
        assert "missing" in audited
        assert count(local, "SELECT count(*) AS n FROM crawl_pages") == 0
        with connect(local.database_url) as conn:
            rows = conn.execute("SELECT stage, count(*) AS n FROM failures GROUP BY 1 ORDER BY 1").fetchall()
        stages = {row["stage"]: row["n"] for row in rows}
        print(f"after the restart: {audited.strip().splitlines()[-1]}; failures rows by stage: {stages}")

        # The next crawl makes a new bucket, fetches everything again, and the workers store it.
        again = run_cli(local, "crawl", "portal", env=env)
        assert ", finished:" in again.stdout
        wait_for_queue(local, worker, report=lambda depth: None, timeout=180)
        # Tasks sent before the kill for objects now gone may still have failed after the re-crawl's ones.
        run_cli(local, "reconcile", "--older-than-minutes", "0")
        wait_for_queue(local, worker, report=lambda depth: None, timeout=180)

        assert count(local, "SELECT count(*) AS n FROM articles") == ARTICLES
        assert count(local, "SELECT count(DISTINCT url) AS n FROM articles") == ARTICLES
        audit = run_cli(local, "audit").stdout  # every record's raw object is back, intact
        assert audit.startswith(f"checked {ARTICLES} raw object(s): 0 missing, 0 altered"), audit
    assert count(local, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'running'") == 0
