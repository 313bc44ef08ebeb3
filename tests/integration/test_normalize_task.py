"""The worker's plain function and the Celery task over real services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from workers.process import normalize_archived

pytestmark = pytest.mark.integration
URL_BASE = "http://127.0.0.1:8765"


def archive(raw_store: RawStore, body: bytes, url: str) -> str:
    facts = FetchFacts(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC).isoformat())
    return raw_store.put(body, facts).key


def test_normalizing_twice_leaves_one_record(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    article = load_site("vologda")[0]
    url = URL_BASE + article_url(article)
    key = archive(raw_store, file_for(article_url(article)).read_bytes(), url)
    fetched_at = datetime.now(UTC).isoformat()
    for _ in range(2):
        outcome = normalize_archived(
            raw_store, pool, raw_key=key, url=url, fetched_at=fetched_at, source="sample-vologda",
            content_type="text/html; charset=utf-8",
        )  # fmt: skip
        assert outcome.status == "stored"
    with connect(settings.database_url) as conn:
        rows = conn.execute(
            "SELECT a.url, a.title, a.raw_key, s.name FROM articles a JOIN sources s ON s.id = a.source_id"
        ).fetchall()
    assert rows == [{"url": url, "title": article.title, "raw_key": key, "name": "sample-vologda"}]


def test_unusable_page_becomes_a_failure_row_and_stays_archived(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    key = archive(raw_store, b"%PDF-1.4 not a page", "http://x/file.pdf")
    outcome = normalize_archived(
        raw_store, pool, raw_key=key, url="http://x/file.pdf", fetched_at=datetime.now(UTC).isoformat(),
        content_type="application/pdf",
    )  # fmt: skip
    assert outcome.status == "failed"
    with connect(settings.database_url) as conn:
        failure = conn.execute("SELECT url, stage, reason, raw_key FROM failures").fetchone()
        assert conn.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 0
    assert failure["stage"] == "normalize" and "not HTML" in failure["reason"] and failure["raw_key"] == key
    assert raw_store.get(key) == b"%PDF-1.4 not a page"
