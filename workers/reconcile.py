"""Reconciliation: find archived pages that never became a record or a failure, and queue them again.

The crawler remembers a page in `crawl_pages` only after its normalize task was sent. If the broker lost
the task (Redis restarted without its data, a queue purged), the page sits there with no trace of
processing: no article row, version or views point from that raw object, and no failures row.
`reconcile` sends those again, once per `older_than` (so a second run right after the first sends
nothing more), and only for pages older than `older_than` (younger ones may still be in the queue).

With `scan_archive`, archived objects the crawler never remembered (a crawler killed between the upload
and the announcement) are adopted first from their fetch facts; this lists the whole bucket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from psycopg_pool import ConnectionPool

from storage.rawstore import MissingObject, RawStore
from storage.records import source_id_for

log = logging.getLogger(__name__)

DEFAULT_OLDER_THAN = timedelta(minutes=10)


@dataclass(frozen=True)
class Pending:
    url: str
    raw_key: str
    source: str | None
    fetched_at: datetime


@dataclass
class ReconcileReport:
    adopted: int = 0
    requeued: list[Pending] = field(default_factory=list)


def reconcile(
    pool: ConnectionPool,
    send: Callable[[Pending, str | None], None],
    store: RawStore,
    older_than: timedelta = DEFAULT_OLDER_THAN,
    scan_archive: bool = False,
) -> ReconcileReport:
    """Queue again every page without a trace of processing; `send(page, content_type)` sends one task."""
    report = ReconcileReport()
    if scan_archive:
        report.adopted = adopt_unremembered(pool, store)
    with pool.connection() as conn:
        rows = conn.execute(
            """
            WITH stuck AS (
                SELECT p.url FROM crawl_pages p
                WHERE p.last_changed_at <= now() - %(age)s
                  AND (p.requeued_at IS NULL OR p.requeued_at <= now() - %(age)s)
                  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.raw_key = p.raw_key)
                  AND NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.raw_key = p.raw_key)
                  AND NOT EXISTS (SELECT 1 FROM article_views w WHERE w.raw_key = p.raw_key)
                  AND NOT EXISTS (SELECT 1 FROM failures f WHERE f.raw_key = p.raw_key)
                FOR UPDATE SKIP LOCKED
            ), marked AS (
                UPDATE crawl_pages p SET requeued_at = now() FROM stuck WHERE p.url = stuck.url
                RETURNING p.url, p.raw_key, p.source_id
            )
            SELECT m.url, m.raw_key, s.name AS source FROM marked m LEFT JOIN sources s ON s.id = m.source_id
            ORDER BY m.url
            """,
            {"age": older_than},
        ).fetchall()
    for row in rows:
        try:
            facts = store.get_facts(row["raw_key"])
        except MissingObject:
            log.error("reconcile: raw object %s of %s is missing", row["raw_key"], row["url"])
            continue
        fetched = datetime.fromisoformat(facts.fetched_at)
        page = Pending(facts.final_url, row["raw_key"], facts.source or row["source"], fetched)
        send(page, facts.header("Content-Type"))
        report.requeued.append(page)
    if rows:
        log.warning("reconcile: queued %d page(s) again that had no record", len(report.requeued))
    return report


def adopt_unremembered(pool: ConnectionPool, store: RawStore) -> int:
    """Remember archived objects the crawler did not (their facts are complete); the URL's newer fetch,
    if any, is kept."""
    adopted = 0
    with pool.connection() as conn:
        known = {r["raw_key"] for r in conn.execute("SELECT raw_key FROM crawl_pages").fetchall()}
    for key in store.iter_keys():
        if key in known:
            continue
        try:
            facts = store.get_facts(key)
        except MissingObject:  # body without facts: the upload itself was cut short
            continue
        fetched = datetime.fromisoformat(facts.fetched_at)
        with pool.connection() as conn:
            cur = conn.execute(
                """
                INSERT INTO crawl_pages (url, source_id, etag, last_modified, raw_key, first_seen_at,
                                         last_fetched_at, last_changed_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (url) DO NOTHING
                """,
                (facts.url, source_id_for(conn, facts.source), facts.header("ETag"), facts.header("Last-Modified"),
                 key, fetched, fetched, fetched),
            )  # fmt: skip
            adopted += cur.rowcount
    return adopted
