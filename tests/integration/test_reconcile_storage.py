"""Reconcile reports an object store that fails (here: its bucket is gone, as after a restart empty) and
exits with a status, instead of crashing with a traceback (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deploy.settings import Settings
from storage.crawl_state import adopt_page
from storage.db import connect, make_pool
from storage.rawstore import RawStore
from tests.helpers import run_cli
from workers.reconcile import reconcile

pytestmark = pytest.mark.integration


def test_a_missing_bucket_is_reported_not_raised(settings: Settings) -> None:
    store = RawStore.from_settings(settings)  # the test's bucket was never created
    with connect(settings.database_url) as conn:
        adopt_page(
            conn,
            url="https://news.example/2026/01/17/bridge",
            source=None,
            raw_key="raw/ab/" + "ab" * 32 + ".html.gz",
            etag=None,
            last_modified=None,
            fetched_at=datetime.now(UTC) - timedelta(hours=1),
        )
    sent: list[object] = []
    pool = make_pool(settings.database_url, max_size=2)
    try:
        report = reconcile(pool, lambda page, ctype: sent.append(page), store, timedelta(0), scan_archive=True)
    finally:
        pool.close()
    assert sent == []  # its object is missing (logged), so there is nothing to queue
    [error] = report.storage_errors  # the archive scan could not list the bucket
    assert "NoSuchBucket" in error

    done = run_cli(settings, "reconcile", "--older-than-minutes", "0", "--scan-archive", status=1)
    assert "NoSuchBucket" in done.stderr and "Traceback" not in done.stderr
