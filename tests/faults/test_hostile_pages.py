"""Hostile pages through a real worker: each ends as a failures row with a reason, its raw bytes stay
archived, and the worker lives on. Values out of all reason in a real article are dropped, not stored."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from celery import Celery

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from tests.faults.hostile_pages import CAP, hostile_pages

pytestmark = pytest.mark.integration


def test_every_hostile_page_is_a_failure_row(settings: Settings, raw_store: RawStore, tmp_path: Path) -> None:
    settings = replace(settings, max_page_bytes=CAP)
    pages = hostile_pages()
    assert len(pages) >= 30
    client = Celery(broker=settings.redis_url)
    keys = {}
    fetched = datetime.now(UTC).isoformat()
    for name, body, ctype in pages:
        url = f"http://hostile.example.test/{name}.html"
        keys[url] = raw_store.put(body, FetchFacts(url, url, 200, fetched, {"Content-Type": [ctype]}, "hostile")).key
        client.send_task(
            "newsarchive.normalize",
            kwargs={
                "raw_key": keys[url],
                "url": url,
                "fetched_at": fetched,
                "source": "hostile",
                "content_type": ctype,
            },
            queue="normalize",
        )
    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
    started = time.monotonic()
    try:
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=240)
        took = time.monotonic() - started
        assert worker.poll() is None, "the worker died"
    finally:
        stop_worker(worker)

    with connect(settings.database_url) as conn:
        failures = {r["url"]: r for r in conn.execute("SELECT url, stage, reason, raw_key FROM failures").fetchall()}
        articles = conn.execute("SELECT url FROM articles").fetchall()
    assert articles == []
    assert sorted(failures) == sorted(keys)
    for url, row in failures.items():
        assert row["stage"] == "normalize" and row["reason"].strip(), url
        assert row["raw_key"] == keys[url]
    # The raw bytes stay archived exactly as fetched.
    for name, body, _ in pages:
        assert raw_store.get(keys[f"http://hostile.example.test/{name}.html"]) == body
    print(f"{len(pages)} hostile pages -> {len(failures)} failure rows in {took:.1f} s")
    for url, row in sorted(failures.items()):
        print(f"  {url.rsplit('/', 1)[-1]:<36} {row['reason'][:90]}")
    assert os.path.exists(tmp_path / "worker.log")
