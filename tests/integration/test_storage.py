"""Storage against real PostgreSQL and a real S3 API server."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from minio.error import S3Error

from deploy.settings import Settings
from storage.crawl_state import beat_run, close_abandoned_runs, finish_run_part, start_run
from storage.db import connect
from storage.migrate import apply_migrations, discover
from storage.rawstore import FetchFacts, RawStore, body_key, compress, facts_key, url_facts_key
from storage.records import ArticleRow, record_failure, upsert_article

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)


def row(**kw: object) -> ArticleRow:
    base = dict(
        url="https://news.example.ru/a/1",
        title="Заголовок",
        body="Текст статьи",
        published_at=T0,
        language="ru",
        raw_key="raw/ab/abc.html.gz",
        content_hash="h1",
        fetched_at=T0,
        source="example",
    )
    base.update(kw)
    return ArticleRow(**base)  # type: ignore[arg-type]


def test_migrations_are_applied_once(settings: Settings) -> None:
    assert apply_migrations(settings.database_url) == []  # the session fixture applied them
    with connect(settings.database_url) as conn:
        versions = [r["version"] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [m.version for m in discover()]


def test_upsert_twice_leaves_one_row(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        assert upsert_article(conn, row()) == "written"
        assert upsert_article(conn, row()) == "unchanged"  # nothing touched, not even normalized_at
        assert conn.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 1


def test_newer_fetch_updates_and_older_fetch_is_ignored(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        upsert_article(conn, row())
        assert upsert_article(conn, row(body="Обновленный текст", fetched_at=T0 + timedelta(hours=1))) == "written"
        assert upsert_article(conn, row(body="Старый текст", fetched_at=T0 - timedelta(hours=1))) == "stale"
        stored = conn.execute("SELECT body, fetched_at FROM articles").fetchone()
    assert stored["body"] == "Обновленный текст"


def test_failure_recorded_once_per_page_and_stage(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        for _ in range(2):
            record_failure(conn, url="https://x/a", stage="normalize", reason="empty body", raw_key="raw/k")
        rows = conn.execute("SELECT url, stage, reason, raw_key FROM failures").fetchall()
    assert rows == [{"url": "https://x/a", "stage": "normalize", "reason": "empty body", "raw_key": "raw/k"}]


def facts(url: str = "https://news.example.ru/a/1") -> FetchFacts:
    return FetchFacts(
        url=url,
        final_url=url,
        status=200,
        fetched_at=T0.isoformat(),
        headers={"Content-Type": ["text/html; charset=windows-1251"]},
        source="example",
    )


def test_raw_body_round_trips_byte_identical_with_its_facts(raw_store: RawStore) -> None:
    body = "<html><p>Вологда</p></html>".encode("cp1251")
    stored = raw_store.put(body, facts())
    assert stored.created
    assert stored.key == f"raw/{stored.sha256[:2]}/{stored.sha256}.html.gz"
    assert raw_store.get(stored.key) == body
    assert raw_store.get_facts(stored.key) == facts()
    assert raw_store.get_facts(stored.key).header("content-type") == "text/html; charset=windows-1251"


def test_storing_the_same_body_twice_is_a_no_op(raw_store: RawStore) -> None:
    body = b"<html><p>same</p></html>"
    first = raw_store.put(body, facts())
    again = raw_store.put(body, replace(facts(), fetched_at=(T0 + timedelta(hours=1)).isoformat()))
    assert (first.created, again.key, again.created, again.new_url) == (True, first.key, False, False)
    keys = sorted(o.object_name for o in raw_store.client.list_objects(raw_store.bucket, recursive=True))
    assert keys == [first.key]  # the facts travel with the body, as its metadata
    assert raw_store.get_facts(first.key) == facts()  # the first fetch's facts
    assert raw_store.all_facts(first.key) == [facts()]


def test_the_same_body_from_another_url_keeps_that_urls_facts_once(raw_store: RawStore) -> None:
    body = b"<html><p>same</p></html>"
    first = raw_store.put(body, facts())
    mirror = replace(facts("https://mirror.example.ru/a/1"), fetched_at=(T0 + timedelta(days=1)).isoformat())
    second = raw_store.put(body, mirror)
    third = raw_store.put(body, replace(mirror, fetched_at=(T0 + timedelta(days=2)).isoformat()))
    assert (second.key, second.created, second.new_url) == (first.key, False, True)
    assert (third.key, third.created, third.new_url) == (first.key, False, False)
    keys = sorted(o.object_name for o in raw_store.client.list_objects(raw_store.bucket, recursive=True))
    assert keys == sorted([first.key, url_facts_key(first.key, mirror.final_url)])
    assert raw_store.get(first.key) == body
    assert raw_store.get_facts(first.key) == facts()
    assert raw_store.all_facts(first.key) == [facts(), mirror]  # the first, then the others as first fetched


def test_facts_too_large_for_metadata_are_kept_beside_the_body(raw_store: RawStore) -> None:
    body = b"<html><p>a page with a long header</p></html>"
    big = replace(facts(), headers={**facts().headers, "Content-Security-Policy": [os.urandom(3000).hex()]})
    first = raw_store.put(body, big)
    again = raw_store.put(body, replace(big, fetched_at=(T0 + timedelta(hours=1)).isoformat()))
    assert (first.created, again.created, again.new_url) == (True, False, False)
    keys = sorted(o.object_name for o in raw_store.client.list_objects(raw_store.bucket, recursive=True))
    assert keys == sorted([first.key, facts_key(first.key)])
    assert raw_store.get_facts(first.key) == big and raw_store.get(first.key) == body


def test_bodies_archived_before_facts_moved_into_metadata_are_read_and_completed(raw_store: RawStore) -> None:
    """The layout of issue 16 and before: a body object, then its facts as JSON beside it. Its facts are
    read from there; a body whose facts never came gets those of the next fetch that stores it."""
    old, orphan = b"<html><p>archived in 2025</p></html>", b"<html><p>stopped before its facts</p></html>"
    for body in (old, orphan):
        packed = compress(body)
        key = body_key(hashlib.sha256(body).hexdigest())
        raw_store.client.put_object(raw_store.bucket, key, io.BytesIO(packed), len(packed))
    doc = facts().to_json()
    old_key = body_key(hashlib.sha256(old).hexdigest())
    raw_store.client.put_object(raw_store.bucket, facts_key(old_key), io.BytesIO(doc), len(doc))
    assert raw_store.get_facts(old_key) == facts()
    assert raw_store.put(old, facts()).created is False  # the same URL again: nothing added
    mirror = facts("https://mirror.example.ru/a/1")
    assert raw_store.put(old, mirror).new_url and raw_store.all_facts(old_key) == [facts(), mirror]
    completed = raw_store.put(orphan, mirror)
    assert completed.created and raw_store.get_facts(completed.key) == mirror


def test_bucket_is_private(raw_store: RawStore, settings: Settings) -> None:
    """No bucket policy, and a request without credentials cannot read an object."""
    key = raw_store.put(b"<html>private</html>", facts("https://news.example.ru/a/9")).key
    with pytest.raises(S3Error) as no_policy:
        raw_store.client.get_bucket_policy(raw_store.bucket)
    assert no_policy.value.code == "NoSuchBucketPolicy"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{settings.s3_endpoint.rstrip('/')}/{raw_store.bucket}/{key}", timeout=10)
    assert refused.value.code == 403


def test_listing_needs_the_keys(raw_store: RawStore, settings: Settings) -> None:
    """An unsigned listing of the bucket, or one signed with a wrong secret, is refused. Needs a server that
    authenticates, as MinIO and SeaweedFS (the embedded default) do; moto accepts anything."""
    raw_store.put(b"<html>private</html>", facts("https://news.example.ru/a/10"))
    wrong = RawStore.connect(settings.s3_endpoint, settings.s3_access_key, "not-the-secret", raw_store.bucket)
    try:
        next(iter(wrong.iter_keys()))
    except S3Error as exc:
        assert exc.code == "SignatureDoesNotMatch"
    else:
        pytest.skip("this S3 server accepts any key (moto): authentication is not tested against it")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{settings.s3_endpoint.rstrip('/')}/{raw_store.bucket}?list-type=2", timeout=10)
    assert refused.value.code == 403


def test_runs_whose_processes_died_are_closed_and_live_ones_are_not(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        conn.execute("INSERT INTO sources (name) VALUES ('example')")
        silent, alive, done = (start_run(conn, "example", "cli") for _ in range(3))
        conn.execute("UPDATE crawl_runs SET heartbeat_at = now() - interval '6 minutes' WHERE id IN (%s, %s)",
                     (silent, done))  # fmt: skip
        finish_run_part(conn, done, {}, "finished")
        beat_run(conn, alive)

        assert close_abandoned_runs(conn, timedelta(minutes=5)) == [silent]
        assert close_abandoned_runs(conn, timedelta(minutes=5)) == []  # a second run closes nothing more
        rows = {r["id"]: r for r in conn.execute("SELECT id, status, finish_reason, finished_at FROM crawl_runs")}
    assert rows[silent]["status"] == "failed" and rows[silent]["finish_reason"].startswith("abandoned: no heartbeat")
    assert rows[silent]["finished_at"] is not None
    assert rows[alive]["status"] == "running"
    assert rows[done]["status"] == "finished"


def test_an_amp_alias_archived_first_is_still_the_copy(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        for url in ("https://news.example.ru/amp/a/1", "https://news.example.ru/a/1", "https://m.news.example.ru/a/1"):
            upsert_article(conn, row(url=url, content_hash="same"))
        upsert_article(conn, row(url="https://other.example.ru/copy", content_hash="same"))
        rows = conn.execute("SELECT url, article_id, duplicate_of FROM api.articles ORDER BY article_id").fetchall()
    original = next(r["article_id"] for r in rows if r["url"] == "https://news.example.ru/a/1")
    assert {r["url"]: r["duplicate_of"] for r in rows} == {
        "https://news.example.ru/amp/a/1": original,
        "https://news.example.ru/a/1": None,
        "https://m.news.example.ru/a/1": original,
        "https://other.example.ru/copy": original,  # a republished copy points at the original too
    }
