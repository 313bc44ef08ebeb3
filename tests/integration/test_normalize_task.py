"""The worker's plain function and the Celery task over real services."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore, compress, unpack
from workers.normalize import DEFAULT_MAX_BYTES
from workers.process import Page, normalize_archived, prepare, write_all

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
    statuses = [
        normalize_archived(
            raw_store, pool, raw_key=key, url=url, fetched_at=fetched_at, source="sample-vologda",
            content_type="text/html; charset=utf-8",
        ).status
        for _ in range(2)
    ]  # fmt: skip
    assert statuses == ["stored", "unchanged"]
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


def test_metadata_is_stored_and_every_fetch_adds_a_views_point(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    article = next(a for a in load_site("vologda") if a.slug == "toyota-vozvrashchenie")
    url = URL_BASE + article_url(article)
    page = file_for(article_url(article)).read_text(encoding="utf-8")
    first = archive(raw_store, page.encode(), url)
    # The next crawl sees the counter grown: a different body, a second raw object.
    later = page.replace('title="Просмотры">602<', 'title="Просмотры">1 250<')
    assert later != page
    second = archive(raw_store, later.encode(), url)
    t1, t2 = datetime(2026, 1, 17, 10, 0, tzinfo=UTC), datetime(2026, 1, 18, 10, 0, tzinfo=UTC)
    for key, fetched in ((first, t1), (second, t2), (second, t2), (first, t1)):  # redelivered and late ones too
        normalize_archived(raw_store, pool, raw_key=key, url=url, fetched_at=fetched.isoformat(), source="vologda")
    with connect(settings.database_url) as conn:
        row = conn.execute(
            "SELECT views, rubric, photo_credits, cited_sources, images, provenance, raw_key, extractor_version"
            " FROM articles"
        ).fetchone()
        points = conn.execute("SELECT observed_at, views FROM article_views ORDER BY observed_at").fetchall()
        images = conn.execute("SELECT position, url, caption, credit FROM article_images ORDER BY position").fetchall()
    assert row["views"] == 1250 and row["raw_key"] == second  # the latest fetch wins, whatever the order
    assert row["rubric"] == "Авто" and row["photo_credits"] == ["Вологда-поиск"]
    assert row["cited_sources"] == ["Autonews"]
    assert row["images"][0]["credit"] == "Вологда-поиск"
    # One article_images row per image, in page order, the same after four writes of the record.
    assert [(i["position"], i["url"], i["caption"], i["credit"]) for i in images] == [
        (n, image["url"], image["caption"] or None, image["credit"] or None)
        for n, image in enumerate(row["images"], start=1)
    ]
    assert row["provenance"]["views"] == "html:views-element" and row["extractor_version"]
    assert [(p["observed_at"], p["views"]) for p in points] == [(t1, 602), (t2, 1250)]


def test_wire_fields_reach_their_columns(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    article = next(a for a in load_site("mrc") if a.slug == "0001")
    url = URL_BASE + article_url(article)
    key = archive(raw_store, file_for(article_url(article)).read_bytes(), url)
    normalize_archived(
        raw_store, pool, raw_key=key, url=url, fetched_at=datetime.now(UTC).isoformat(),
        content_type="text/html; charset=windows-1251",
    )  # fmt: skip
    with connect(settings.database_url) as conn:
        row = conn.execute("SELECT dateline_place, dateline_agency, agency, body FROM articles").fetchone()
    assert (row["dateline_place"], row["dateline_agency"], row["agency"]) == ("Москва", "Маркет Репорт", "MRC")
    assert not row["body"].startswith("МОСКВА") and not row["body"].endswith("MRC")


def test_missing_raw_object_is_a_failure_not_a_retry_loop(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    outcome = normalize_archived(
        raw_store,
        pool,
        raw_key="raw/00/nothing-here.html.gz",
        url="http://x.test/a",
        fetched_at=datetime.now(UTC).isoformat(),
    )
    assert outcome.status == "failed" and "no raw object" in outcome.detail
    with connect(settings.database_url) as conn:
        rows = conn.execute("SELECT stage, raw_key FROM failures").fetchall()
    assert [(r["stage"], r["raw_key"]) for r in rows] == [("load", "raw/00/nothing-here.html.gz")]


def test_each_distinct_content_is_one_version(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    article = load_site("vologda")[0]
    url = "http://127.0.0.1:8765" + article_url(article)
    original = file_for(article_url(article)).read_bytes()
    edited = original.replace(b"</h1>", b"</h1><p>" + "Дополнено: новые подробности.".encode() * 3 + b"</p>", 1)
    for n, body in enumerate((original, original, edited, edited)):
        key = archive(raw_store, body, url)
        fetched = datetime(2026, 1, 17, 12, n, tzinfo=UTC).isoformat()
        normalize_archived(raw_store, pool, raw_key=key, url=url, fetched_at=fetched, source="vologda")
    with connect(settings.database_url) as conn:
        versions = conn.execute("SELECT body FROM article_versions ORDER BY fetched_at").fetchall()
        current = conn.execute("SELECT body FROM articles").fetchall()
    assert len(versions) == 2
    assert "Дополнено" not in versions[0]["body"] and "Дополнено" in versions[1]["body"]
    assert [r["body"] for r in current] == [versions[1]["body"]]


def test_bytes_sent_with_the_task_are_used_only_when_they_are_that_object(  # type: ignore[no-untyped-def]
    settings: Settings, raw_store: RawStore, pool
) -> None:
    articles = load_site("vologda")[:2]
    urls = [URL_BASE + article_url(a) for a in articles]
    bodies = [file_for(article_url(a)).read_bytes() for a in articles]
    facts = FetchFacts(url=urls[0], final_url=urls[0], status=200, fetched_at=datetime.now(UTC).isoformat())
    stored = raw_store.put(bodies[0], facts)
    assert unpack(stored.key, stored.packed) == bodies[0]
    raw_store.client.remove_object(raw_store.bucket, stored.key)  # the archive cannot be what was read
    ok = normalize_archived(raw_store, pool, raw_key=stored.key, url=urls[0], fetched_at=facts.fetched_at,
                            content_type="text/html; charset=utf-8", packed=stored.packed)  # fmt: skip
    assert ok.status == "stored"
    # Bytes of another page under this key: not used; the archive is read, and it has no such object now.
    wrong = normalize_archived(raw_store, pool, raw_key=stored.key, url=urls[1], fetched_at=facts.fetched_at,
                               content_type="text/html; charset=utf-8", packed=compress(bodies[1]))  # fmt: skip
    assert wrong.status == "failed" and "no raw object" in wrong.detail
    with connect(settings.database_url) as conn:
        titles = [row["title"] for row in conn.execute("SELECT title FROM articles").fetchall()]
        stage = conn.execute("SELECT stage FROM failures").fetchone()["stage"]
    assert titles == [articles[0].title] and stage == "load"


def test_a_batch_is_one_transaction_and_a_page_the_database_refuses_does_not_sink_the_others(  # type: ignore[no-untyped-def]
    settings: Settings, raw_store: RawStore, pool
) -> None:
    articles = load_site("vologda")[:3]
    ready = []
    for article in articles:
        url = URL_BASE + article_url(article)
        key = archive(raw_store, file_for(article_url(article)).read_bytes(), url)
        page = Page(key, url, datetime.now(UTC).isoformat(), "sample-vologda", "text/html; charset=utf-8")
        ready.append(prepare(raw_store, page, rules=None, max_bytes=DEFAULT_MAX_BYTES))
    assert [r.status for r in write_all(pool, ready[:2])] == ["stored", "stored"]
    record = ready[2].record
    assert record is not None
    refused = replace(ready[2], record=replace(record, title="a NUL \x00 PostgreSQL will not store"))
    outcomes = write_all(pool, [ready[0], refused, ready[1]])  # the database refuses the middle one
    assert [o.status for o in outcomes] == ["unchanged", "failed", "unchanged"]
    with connect(settings.database_url) as conn:
        assert conn.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 2
        failure = conn.execute("SELECT url, stage, reason FROM failures").fetchone()
    assert failure["url"] == refused.page.url and failure["stage"] == "normalize"
    assert "NUL" in failure["reason"] or "0x00" in failure["reason"]
