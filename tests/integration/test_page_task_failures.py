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


def test_a_batch_stores_each_page_and_a_page_out_of_time_sends_the_rest_again(  # type: ignore[no-untyped-def]
    settings: Settings, raw_store: RawStore, pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "pool", lambda: pool)
    monkeypatch.setattr(resources, "raw_store", lambda: raw_store)
    monkeypatch.setattr(resources, "site_rules", lambda: {})
    pages = []
    for n in range(4):
        url = f"http://127.0.0.1:1/news/{n}-novost.html"
        body = f"<html><body><h1>Title {n}</h1><p>{'Words of the article go on. ' * 20}</p></body></html>".encode()
        key = raw_store.put(body, FetchFacts(url, url, 200, datetime.now(UTC).isoformat())).key
        pages.append({"raw_key": key, "url": url, "fetched_at": datetime.now(UTC).isoformat()})
    assert tasks.normalize_pages.apply(kwargs={"pages": pages[:2]}).get() == "stored, stored"

    slow, real = pages[2]["url"], process.normalize_page

    def stall_on_one(body: bytes, **kwargs: object) -> object:
        if kwargs["url"] == slow:
            raise SoftTimeLimitExceeded()
        return real(body, **kwargs)  # type: ignore[arg-type]

    sent: list[dict[str, object]] = []
    monkeypatch.setattr(process, "normalize_page", stall_on_one)
    monkeypatch.setattr(tasks.normalize_pages, "apply_async", lambda kwargs, queue: sent.append(kwargs))
    outcome = tasks.normalize_pages.apply(kwargs={"pages": pages[1:]}).get()
    assert outcome == "unchanged, failed, 1 sent again" and sent == [{"pages": pages[3:]}]
    with connect(settings.database_url) as conn:
        stored = [r["url"] for r in conn.execute("SELECT url FROM articles ORDER BY url").fetchall()]
        failed = conn.execute("SELECT url, stage, reason FROM failures").fetchall()
    assert stored == [pages[0]["url"], pages[1]["url"]]
    assert [(r["url"], r["stage"], r["reason"]) for r in failed] == [(slow, "normalize", "gave up: longer than 30 s")]
