"""Plain functions behind the tasks: load an archived page, normalize it, store the record."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from psycopg_pool import ConnectionPool

from storage.rawstore import RawStore
from storage.records import ArticleRow, clear_failures, record_failure, upsert_article
from workers.normalize import NormalizeError, normalize_page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # "stored" | "stale" | "failed"
    url: str
    detail: str = ""


def normalize_archived(
    store: RawStore,
    pool: ConnectionPool,
    *,
    raw_key: str,
    url: str,
    fetched_at: str,
    source: str | None = None,
    content_type: str | None = None,
    max_bytes: int = 10 * 1024 * 1024,
) -> Outcome:
    """Idempotent: the same message processed twice leaves one article row (or one failure row)."""
    body = store.get(raw_key)
    try:
        record = normalize_page(body, url=url, content_type=content_type, max_bytes=max_bytes)
    except NormalizeError as exc:
        log.warning("normalize failed for %s (%s): %s", url, raw_key, exc.reason)
        with pool.connection() as conn:
            record_failure(conn, url=url, stage="normalize", reason=exc.reason, raw_key=raw_key, source=source)
        return Outcome("failed", url, exc.reason)

    row = ArticleRow(
        url=record.url,
        title=record.title,
        body=record.text,
        published_at=record.published_at,
        language=record.language,
        raw_key=raw_key,
        content_hash=record.content_hash,
        fetched_at=datetime.fromisoformat(fetched_at),
        source=source,
    )
    with pool.connection() as conn:
        written = upsert_article(conn, row)
        clear_failures(conn, url, "normalize")
    return Outcome("stored" if written else "stale", record.url)
