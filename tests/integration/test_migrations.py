"""Migrations build the schema from an empty database, and upgrade a database still at the skeleton's
schema (0001) with rows in it without losing or changing any of them."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from deploy.settings import Settings
from storage.db import connect
from storage.migrate import MIGRATIONS_DIR, apply_migrations, discover

pytestmark = pytest.mark.integration


@pytest.fixture
def empty_database(services: Settings) -> Iterator[str]:
    name = f"upgrade_{secrets.token_hex(4)}"
    with connect(services.database_url, autocommit=True) as admin:
        try:
            admin.execute(f"CREATE DATABASE {name}")
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test database user may not create databases")
        try:
            yield make_conninfo(services.database_url, dbname=name)
        finally:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_from_empty_every_migration_applies_once(empty_database: str) -> None:
    versions = [m.version for m in discover()]
    assert apply_migrations(empty_database) == versions
    assert apply_migrations(empty_database) == []


def test_the_skeleton_schema_upgrades_without_losing_rows(empty_database: str, tmp_path: Path) -> None:
    skeleton = tmp_path / "skeleton"
    skeleton.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_initial.sql", skeleton)
    assert apply_migrations(empty_database, skeleton) == ["0001_initial"]
    with connect(empty_database) as conn:
        conn.execute("INSERT INTO sources (name) VALUES ('vologda'), ('metro')")
        conn.execute(
            """
            INSERT INTO articles (source_id, url, title, body, published_at, language, raw_key, content_hash,
                                  fetched_at)
            VALUES (1, 'https://vologda.example/news/1.html', 'Ремонт моста', 'Мост через Вологду закроют на ремонт.',
                    '2026-01-17 14:05+03', 'ru', 'raw/aa/a1.html.gz', 'h1', '2026-01-17 12:00+00'),
                   (2, 'https://metro.example/2026/01/16/storm/', 'Storm warning', 'Up to 14 inches of snow.',
                    '2026-01-16 18:40-05', 'en', 'raw/bb/b2.html.gz', 'h2', '2026-01-17 00:00+00')
            """
        )  # fmt: skip
        conn.execute("INSERT INTO failures (url, stage, reason) VALUES ('https://x/a.pdf', 'normalize', 'not HTML')")
        before = conn.execute("SELECT id, url, title, body, published_at, raw_key FROM articles ORDER BY id").fetchall()

    applied = apply_migrations(empty_database)
    assert applied == [m.version for m in discover()][1:]

    with connect(empty_database) as conn:
        after = conn.execute("SELECT id, url, title, body, published_at, raw_key FROM articles ORDER BY id").fetchall()
        assert after == before
        assert conn.execute("SELECT count(*) AS n FROM failures").fetchone()["n"] == 1  # type: ignore[index]
        versions = conn.execute("SELECT article_id, content_hash, raw_key FROM article_versions ORDER BY 1").fetchall()
        assert versions == [
            {"article_id": 1, "content_hash": "h1", "raw_key": "raw/aa/a1.html.gz"},
            {"article_id": 2, "content_hash": "h2", "raw_key": "raw/bb/b2.html.gz"},
        ]
        # The published interface sees the old rows, searchable in their language.
        found = conn.execute(
            "SELECT a.source, a.url FROM api.articles a WHERE a.search @@ websearch_to_tsquery('russian', 'мосты')"
        ).fetchall()
        assert found == [{"source": "vologda", "url": "https://vologda.example/news/1.html"}]
        found = conn.execute(
            "SELECT url FROM api.articles WHERE search @@ websearch_to_tsquery('english', 'storms')"
        ).fetchall()
        assert found == [{"url": "https://metro.example/2026/01/16/storm/"}]
