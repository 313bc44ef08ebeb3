"""Writes of structured records. Every write is idempotent: running it twice leaves one row."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb


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
    modified_at: datetime | None = None
    views: int | None = None
    rubric: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    cited_sources: list[str] = field(default_factory=list)
    dateline_place: str | None = None
    dateline_agency: str | None = None
    agency: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    extractor_version: str | None = None


# Columns written from ArticleRow fields of the same name (source_id and normalized_at are set apart).
_ARTICLE_COLUMNS = tuple(f.name for f in fields(ArticleRow) if f.name != "source")
_JSON_COLUMNS = {"images", "provenance"}


def ensure_source(conn: psycopg.Connection, name: str, config: dict[str, Any] | None = None) -> int:
    row = conn.execute(
        "INSERT INTO sources (name, config) VALUES (%s, %s::jsonb)"
        " ON CONFLICT (name) DO UPDATE SET config = EXCLUDED.config"
        " RETURNING id",
        (name, json.dumps(config or {})),
    ).fetchone()
    assert row is not None
    return _first(row)


def source_id_for(conn: psycopg.Connection, name: str | None) -> int | None:
    """The id of a source by name, created if missing. Looked up first: the source almost always exists,
    and a lookup is one read where an upsert is a write."""
    if not name:
        return None
    row = (
        conn.execute("SELECT id FROM sources WHERE name = %s", (name,)).fetchone()
        or conn.execute(
            "INSERT INTO sources (name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
            (name,),
        ).fetchone()
    )
    return _first(row) if row else None


def _upsert_article_query() -> bytes:
    """Composed once, at import: composing it cost 0.6 ms of CPU for every article (docs/benchmarks.md)."""
    updated = [c for c in _ARTICLE_COLUMNS if c != "url"]
    query = sql.SQL(
        """
        INSERT INTO articles (source_id, normalized_at, {columns})
        VALUES (%s, now(), {placeholders})
        ON CONFLICT (url) DO UPDATE SET
            source_id = COALESCE(EXCLUDED.source_id, articles.source_id),
            normalized_at = now(),
            {updates}
        WHERE articles.fetched_at <= EXCLUDED.fetched_at
          AND (articles.source_id, {current}) IS DISTINCT FROM
              (COALESCE(EXCLUDED.source_id, articles.source_id), {incoming})
        RETURNING id, xmax = 0 AS inserted
        """
    ).format(
        columns=sql.SQL(", ").join(map(sql.Identifier, _ARTICLE_COLUMNS)),
        placeholders=sql.SQL(", ").join(sql.Placeholder() * len(_ARTICLE_COLUMNS)),
        updates=sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in updated),
        current=sql.SQL(", ").join(sql.SQL("articles.{}").format(sql.Identifier(c)) for c in updated),
        incoming=sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in updated),
    )
    return query.as_bytes(None)


_UPSERT_ARTICLE = _upsert_article_query()


def upsert_article(
    conn: psycopg.Connection, article: ArticleRow, source_ids: dict[str, int | None] | None = None
) -> str:
    """Insert or update the article at its canonical URL. Returns "written", "unchanged" (the row already
    holds exactly these values: nothing is touched, not even normalized_at, so re-processing that
    changes nothing leaves no trace) or "stale" (the stored row came from a later fetch: an older,
    redelivered task must not overwrite newer content). `source_ids`: source ids already looked up in this
    transaction, by name (a batch of records writes one lookup per source instead of one per record)."""
    values = [Jsonb(getattr(article, c)) if c in _JSON_COLUMNS else getattr(article, c) for c in _ARTICLE_COLUMNS]
    source_id = _source_id(conn, article.source, source_ids)
    row = conn.execute(_UPSERT_ARTICLE, [source_id, *values]).fetchone()
    if row is not None:
        inserted = row["inserted"] if isinstance(row, dict) else row[1]
        _replace_images(conn, _first(row), article.images, new=bool(inserted))
        return "written"
    stored = conn.execute("SELECT fetched_at FROM articles WHERE url = %s", (article.url,)).fetchone()
    return "stale" if stored and row_value(stored, "fetched_at") > article.fetched_at else "unchanged"


def _source_id(conn: psycopg.Connection, name: str | None, known: dict[str, int | None] | None) -> int | None:
    if known is None or not name:
        return source_id_for(conn, name)
    if name not in known:
        known[name] = source_id_for(conn, name)
    return known[name]


def _replace_images(conn: psycopg.Connection, article_id: int, images: list[dict[str, Any]], new: bool) -> None:
    """article_images follows the article's current image list (same order, same position numbers). A row
    just inserted has none to remove."""
    if not new:
        conn.execute("DELETE FROM article_images WHERE article_id = %s", (article_id,))
    rows = [
        (article_id, position, image["url"], image.get("caption") or None, image.get("credit") or None)
        for position, image in enumerate(images, start=1)
        if image.get("url")
    ]
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_images (article_id, position, url, caption, credit) VALUES (%s, %s, %s, %s, %s)",
                rows,
            )


def record_version(conn: psycopg.Connection, article: ArticleRow) -> bool:
    """Keep this normalized content as a version of its article; True if it is a new one. Written also for
    a stale (older) fetch: a version is history, not current state."""
    row = conn.execute(
        """
        INSERT INTO article_versions (article_id, content_hash, raw_key, fetched_at, title, body,
                                      published_at, modified_at, extractor_version)
        SELECT id, %s, %s, %s, %s, %s, %s, %s, %s FROM articles WHERE url = %s
        ON CONFLICT (article_id, content_hash) DO NOTHING
        RETURNING article_id
        """,
        (
            article.content_hash, article.raw_key, article.fetched_at, article.title, article.body,
            article.published_at, article.modified_at, article.extractor_version, article.url,
        ),
    ).fetchone()  # fmt: skip
    return row is not None


def record_views(conn: psycopg.Connection, *, url: str, observed_at: datetime, views: int, raw_key: str) -> None:
    """One point of the article's views history per fetch; a redelivered task adds nothing. Kept even when
    the article row itself was not updated (an older fetch arriving late is still a true observation)."""
    conn.execute(
        """
        INSERT INTO article_views (article_id, observed_at, views, raw_key)
        SELECT id, %s, %s, %s FROM articles WHERE url = %s
        ON CONFLICT (article_id, observed_at) DO NOTHING
        """,
        (observed_at, views, raw_key, url),
    )


def raw_keys_of(conn: psycopg.Connection, *, source: str | None = None, url: str | None = None) -> list[str]:
    """Raw objects behind current article records: of one source (all if None), or of one article
    (canonical URL, or the URL it was fetched as)."""
    if url is not None:
        rows = conn.execute(
            "SELECT raw_key FROM articles WHERE url = %(u)s UNION SELECT raw_key FROM crawl_pages WHERE url = %(u)s",
            {"u": url},
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT a.raw_key FROM articles a JOIN sources s ON s.id = a.source_id"
            " WHERE %(s)s::text IS NULL OR s.name = %(s)s ORDER BY a.id",
            {"s": source},
        ).fetchall()
    return list(dict.fromkeys(row_value(row, "raw_key") for row in rows))


def archived_keys_between(
    conn: psycopg.Connection,
    *,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[str]:
    """Raw objects to re-process: the latest page of every article URL (the current record's, and the
    crawler's last fetch) and the pages that failed normalization, optionally of one source and fetched
    in [since, until). Ordered, so an interrupted run can be compared with the next."""
    rows = conn.execute(
        """
        SELECT DISTINCT k.raw_key
        FROM (
            SELECT raw_key, source_id, fetched_at AS at FROM articles
            UNION ALL SELECT raw_key, source_id, last_fetched_at FROM crawl_pages
            UNION ALL SELECT raw_key, source_id, created_at FROM failures
                      WHERE stage = 'normalize' AND raw_key IS NOT NULL
        ) AS k
        LEFT JOIN sources s ON s.id = k.source_id
        WHERE (%(source)s::text IS NULL OR s.name = %(source)s)
          AND (%(since)s::timestamptz IS NULL OR k.at >= %(since)s)
          AND (%(until)s::timestamptz IS NULL OR k.at < %(until)s)
        ORDER BY k.raw_key
        """,
        {"source": source, "since": since, "until": until},
    ).fetchall()
    return [row_value(row, "raw_key") for row in rows]


def every_raw_key_of(conn: psycopg.Connection, source: str) -> list[str]:
    """Every raw object known for a source: current records, past versions, views points, the crawler's
    memory and failed pages (for a WARC export of the source's whole history)."""
    rows = conn.execute(
        """
        SELECT DISTINCT k.raw_key FROM (
            SELECT a.raw_key, a.source_id FROM articles a
            UNION ALL SELECT v.raw_key, a.source_id FROM article_versions v JOIN articles a ON a.id = v.article_id
            UNION ALL SELECT w.raw_key, a.source_id FROM article_views w JOIN articles a ON a.id = w.article_id
            UNION ALL SELECT raw_key, source_id FROM crawl_pages
            UNION ALL SELECT raw_key, source_id FROM failures WHERE raw_key IS NOT NULL
        ) AS k
        JOIN sources s ON s.id = k.source_id
        WHERE s.name = %s
        ORDER BY k.raw_key
        """,
        (source,),
    ).fetchall()
    return [row_value(row, "raw_key") for row in rows]


def story_inputs(conn: psycopg.Connection, since: datetime) -> list[dict[str, Any]]:
    """Articles published (or, undated, fetched) since a time, with what story grouping reads."""
    return conn.execute(
        """
        SELECT a.id, s.name AS source, a.language, a.published_at, a.story_id,
               coalesce(a.title, '') || E'\n' || a.body AS text
        FROM articles a
        LEFT JOIN sources s ON s.id = a.source_id
        WHERE coalesce(a.published_at, a.fetched_at) >= %s
        ORDER BY a.id
        """,
        (since,),
    ).fetchall()


def set_story_ids(conn: psycopg.Connection, stories: dict[int, int]) -> int:
    """Write article -> story ids; returns how many articles changed story."""
    cur = conn.execute(
        """
        UPDATE articles AS a SET story_id = u.story
        FROM unnest(%s::bigint[], %s::bigint[]) AS u (id, story)
        WHERE a.id = u.id AND a.story_id IS DISTINCT FROM u.story
        """,
        (list(stories), list(stories.values())),
    )
    return cur.rowcount


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
        (url, stage, reason[:2000], raw_key, source_id_for(conn, source)),
    )


def clear_failures(conn: psycopg.Connection, url: str, stage: str) -> None:
    """A page that now normalizes cleanly is no longer a failure."""
    conn.execute("DELETE FROM failures WHERE url = %s AND stage = %s", (url, stage))


def row_value(row: Any, name: str) -> Any:
    """A column of a row from a dict-row connection (storage.db) or, by position, of a plain tuple row."""
    return row[name] if isinstance(row, dict) else row[0]


def _first(row: Any) -> Any:
    return row_value(row, "id")
