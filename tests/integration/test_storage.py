"""Storage against real PostgreSQL and a real S3 API server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deploy.settings import Settings
from storage.db import connect
from storage.migrate import apply_migrations, discover
from storage.rawstore import FetchFacts, RawStore, facts_key
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
        assert upsert_article(conn, row())
        assert upsert_article(conn, row())
        assert conn.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 1


def test_newer_fetch_updates_and_older_fetch_is_ignored(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        upsert_article(conn, row())
        assert upsert_article(conn, row(body="Обновленный текст", fetched_at=T0 + timedelta(hours=1)))
        assert not upsert_article(conn, row(body="Старый текст", fetched_at=T0 - timedelta(hours=1)))
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
    second = raw_store.put(body, facts("https://news.example.ru/other"))
    assert (first.key, first.created, second.key, second.created) == (first.key, True, first.key, False)
    keys = sorted(o.object_name for o in raw_store.client.list_objects(raw_store.bucket, recursive=True))
    assert keys == sorted([first.key, facts_key(first.key)])
    assert raw_store.get_facts(first.key).url == "https://news.example.ru/a/1"  # the first fetch's facts


def test_bucket_is_private(raw_store: RawStore) -> None:
    from minio.error import S3Error

    with pytest.raises(S3Error):
        raw_store.client.get_bucket_policy(raw_store.bucket)
