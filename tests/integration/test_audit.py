"""`newsarchive audit`: raw objects lost or altered behind records and remembered pages become failures
rows, their pages are forgotten by the crawl state (fetched again next crawl), and the command reports
(issue 15)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from deploy.settings import Settings
from storage.crawl_state import adopt_page
from storage.db import connect, make_pool
from storage.rawstore import RawStore
from tests.helpers import count, run_cli, store_sample_articles
from workers.audit import audit

pytestmark = pytest.mark.integration


def test_lost_and_altered_objects_are_found_and_their_pages_forgotten(settings: Settings, raw_store: RawStore) -> None:
    pool = make_pool(settings.database_url, max_size=2)
    try:
        stored = store_sample_articles(raw_store, pool)
        with connect(settings.database_url) as conn:
            lost, changed = [r["raw_key"] for r in conn.execute("SELECT raw_key FROM articles ORDER BY id LIMIT 2")]
            lost_url = conn.execute("SELECT url FROM articles WHERE raw_key = %s", (lost,)).fetchone()["url"]
            adopt_page(conn, url=lost_url, source=None, raw_key=lost, etag=None, last_modified=None,
                       fetched_at=datetime.now(UTC))  # fmt: skip
        raw_store.client.remove_object(raw_store.bucket, lost)
        tampered = b"\x1f\x8b not what was archived"
        raw_store.client.put_object(raw_store.bucket, changed, io.BytesIO(tampered), len(tampered))

        report = audit(pool, raw_store)
        assert report.checked == stored and report.missing == [lost] and report.altered == [changed]
        assert report.forgotten == 1 and not report.ok
        again = audit(pool, raw_store)  # the failures stay; nothing new to forget
        assert again.forgotten == 0
    finally:
        pool.close()
    assert count(settings, "SELECT count(*) AS n FROM failures WHERE stage = 'audit'") == 2
    assert count(settings, "SELECT count(*) AS n FROM crawl_pages") == 0

    done = run_cli(settings, "audit", status=1)  # every object: exit 1, each problem named
    assert f"missing: {lost}" in done.stdout and f"altered: {changed}" in done.stdout
    assert f"checked {stored} raw object(s): 1 missing, 1 altered" in done.stdout


def test_an_intact_archive_passes(settings: Settings, raw_store: RawStore) -> None:
    pool = make_pool(settings.database_url, max_size=2)
    try:
        store_sample_articles(raw_store, pool)
    finally:
        pool.close()
    done = run_cli(settings, "audit")
    assert done.stdout.strip().startswith("checked 32 raw object(s): 0 missing, 0 altered")
