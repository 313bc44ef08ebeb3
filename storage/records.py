"""Writes of structured records. Every write is idempotent: running it twice leaves one row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg


@dataclass(frozen=True)
class ArticleRow:
    url: str
    title: str | None
    body: str
    published_at: datetime | None
    language: str | None
    raw_key: str
    content_hash: str
    fetched_at: datetime
    source: str | None = None


def ensure_source(conn: psycopg.Connection, name: str, config: dict[str, Any] | None = None) -> int:
    row = conn.execute(
        "INSERT INTO sources (name, config) VALUES (%s, %s::jsonb)"
        " ON CONFLICT (name) DO UPDATE SET config = EXCLUDED.config"
        " RETURNING id",
        (name, json.dumps(config or {})),
    ).fetchone()
    assert row is not None
    return _first(row)


def _source_id(conn: psycopg.Connection, name: str | None) -> int | None:
    if not name:
        return None
    row = (
        conn.execute(
            "INSERT INTO sources (name) VALUES (%s) ON CONFLICT (name) DO NOTHING RETURNING id", (name,)
        ).fetchone()
        or conn.execute("SELECT id FROM sources WHERE name = %s", (name,)).fetchone()
    )
    return _first(row) if row else None


def upsert_article(conn: psycopg.Connection, article: ArticleRow) -> bool:
    """Insert or update the article at its canonical URL. Returns False when the stored row came
    from a later fetch (an older, redelivered task must not overwrite newer content)."""
    source_id = _source_id(conn, article.source)
    row = conn.execute(
        """
        INSERT INTO articles (source_id, url, title, body, published_at, language,
                              raw_key, content_hash, fetched_at, normalized_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, now())
        ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(EXCLUDED.source_id, articles.source_id),
            title = EXCLUDED.title,
            body = EXCLUDED.body,
            published_at = EXCLUDED.published_at,
            language = EXCLUDED.language,
            raw_key = EXCLUDED.raw_key,
            content_hash = EXCLUDED.content_hash,
            fetched_at = EXCLUDED.fetched_at,
            normalized_at = now()
        WHERE articles.fetched_at <= EXCLUDED.fetched_at
        RETURNING id
        """,
        (
            source_id,
            article.url,
            article.title,
            article.body,
            article.published_at,
            article.language,
            article.raw_key,
            article.content_hash,
            article.fetched_at,
        ),
    ).fetchone()
    return row is not None


def record_failure(
    conn: psycopg.Connection,
    *,
    url: str,
    stage: str,
    reason: str,
    raw_key: str | None = None,
    source: str | None = None,
) -> None:
    """One row per (url, stage, raw object): a redelivered task does not add a second."""
    conn.execute(
        """
        INSERT INTO failures (url, stage, reason, raw_key, source_id)
        VALUES (%s, %s, %s, %s, %s)
        ON CONFLICT (url, stage, coalesce(raw_key, '')) DO UPDATE
            SET reason = EXCLUDED.reason, created_at = now()
        """,
        (url, stage, reason[:2000], raw_key, _source_id(conn, source)),
    )


def clear_failures(conn: psycopg.Connection, url: str, stage: str) -> None:
    """A page that now normalizes cleanly is no longer a failure."""
    conn.execute("DELETE FROM failures WHERE url = %s AND stage = %s", (url, stage))


def _first(row: Any) -> Any:
    return row["id"] if isinstance(row, dict) else row[0]
