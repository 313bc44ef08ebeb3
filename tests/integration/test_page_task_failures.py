"""A page task that gives up leaves a failures row (not only a worker log line)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from workers import process, resources, tasks
from workers.page_task import PageTask

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (RuntimeError("parser exploded"), "gave up after 0 retries: RuntimeError: parser exploded"),
        (SoftTimeLimitExceeded(), "gave up: longer than 30 s"),
    ],
)
def test_giving_up_is_recorded(
    settings: Settings, raw_store: RawStore, pool, monkeypatch: pytest.MonkeyPatch, error: BaseException, reason: str
) -> None:  # type: ignore[no-untyped-def]
    url = "http://127.0.0.1:1/news/1-novost.html"
    key = raw_store.put(
        b"<html><body><p>text</p></body></html>", FetchFacts(url, url, 200, datetime.now(UTC).isoformat())
    ).key
    monkeypatch.setattr(resources, "pool", lambda: pool)
    monkeypatch.setattr(resources, "raw_store", lambda: raw_store)
    monkeypatch.setattr(resources, "site_rules", lambda: {})

    def explode(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(process, "normalize_page", explode)
    assert isinstance(tasks.normalize, PageTask)
    result = tasks.normalize.apply(kwargs={"raw_key": key, "url": url, "fetched_at": datetime.now(UTC).isoformat()})
    assert result.failed()
    with connect(settings.database_url) as conn:
        rows = conn.execute("SELECT url, stage, reason, raw_key FROM failures").fetchall()
    assert [(r["url"], r["stage"], r["reason"], r["raw_key"]) for r in rows] == [(url, "normalize", reason, key)]
