"""Reconciliation: find archived pages that never became a record or a failure, and queue them again.

The crawler remembers a page in `crawl_pages` only after its normalize task was sent. If the broker lost
the task (Redis restarted without its data, a queue purged), the page sits there with no trace of
processing: no article row, version or views point from that raw object, and no failures row.
`reconcile` sends those again, once per `older_than` (so a second run right after the first sends
nothing more), and only for pages older than `older_than` (younger ones may still be in the queue).

With `scan_archive`, archived objects the crawler never remembered (a crawler killed between the upload
and the announcement) are adopted first from their fetch facts; this lists the whole bucket.

Crawl runs left `running` by processes that died (no heartbeat for RUN_SILENCE) are closed as failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import urllib3.exceptions
from minio.error import S3Error
from psycopg_pool import ConnectionPool

from storage.crawl_state import adopt_page, claim_unprocessed, close_abandoned_runs, remembered_keys
from storage.rawstore import MissingObject, RawStore

log = logging.getLogger(__name__)

DEFAULT_OLDER_THAN = timedelta(minutes=10)
RUN_SILENCE = timedelta(minutes=5)  # ten missed heartbeats (scrapy_project/extensions.py)


@dataclass(frozen=True)
class Pending:
    url: str
    raw_key: str
    source: str | None
    fetched_at: datetime
    content_encoding: str | None = None  # codings the archived body still has (an imported page)


STORAGE_ERRORS: tuple[type[Exception], ...] = (S3Error, urllib3.exceptions.HTTPError, OSError)


class StorageReport(Protocol):
    storage_errors: list[str]


@dataclass
class ReconcileReport:
    adopted: int = 0
    requeued: list[Pending] = field(default_factory=list)
    abandoned_runs: list[int] = field(default_factory=list)
    # The object store refused or failed (bucket gone, access denied, unreachable): reported, not raised.
    storage_errors: list[str] = field(default_factory=list)


def reconcile(
    pool: ConnectionPool,
    send: Callable[[Pending, str | None], None],
    store: RawStore,
    older_than: timedelta = DEFAULT_OLDER_THAN,
    scan_archive: bool = False,
) -> ReconcileReport:
    """Queue again every page without a trace of processing; `send(page, content_type)` sends one task."""
    report = ReconcileReport()
    with pool.connection() as conn:
        report.abandoned_runs = close_abandoned_runs(conn, RUN_SILENCE)
    if report.abandoned_runs:
        log.warning("reconcile: closed crawl run(s) %s, abandoned by their processes", report.abandoned_runs)
    if scan_archive:
        try:
            report.adopted = adopt_unremembered(pool, store)
        except STORAGE_ERRORS as exc:
            storage_failed(report, "scanning the archive", exc)
    with pool.connection() as conn:
        rows = claim_unprocessed(conn, older_than)
    for row in rows:
        try:
            facts = store.get_facts(row["raw_key"])
        except MissingObject:
            log.error("reconcile: raw object %s of %s is missing", row["raw_key"], row["url"])
            continue
        except STORAGE_ERRORS as exc:
            storage_failed(report, f"reading {row['raw_key']} of {row['url']}", exc)
            break  # the next object would fail the same way
        fetched = datetime.fromisoformat(facts.fetched_at)
        page = Pending(facts.final_url, row["raw_key"], facts.source or row["source"], fetched,
                       facts.header("Content-Encoding"))  # fmt: skip
        send(page, facts.header("Content-Type"))
        report.requeued.append(page)
    if rows:
        log.warning("reconcile: queued %d page(s) again that had no record", len(report.requeued))
    return report


def storage_failed(report: StorageReport, doing: str, exc: Exception) -> None:
    """Log an object-store failure and add it to the report's storage_errors (reconcile, audit)."""
    message = f"object store failed {doing}: {type(exc).__name__}: {exc}"
    log.error("%s", message)
    report.storage_errors.append(message)


def adopt_unremembered(pool: ConnectionPool, store: RawStore) -> int:
    """Remember archived objects the crawler did not (their facts are complete), under every URL that
    served them; the URL's newer fetch, if any, is kept."""
    adopted = 0
    with pool.connection() as conn:
        known = remembered_keys(conn)
    for key in store.iter_keys():
        if key in known:
            continue
        try:
            every = store.all_facts(key)
        except MissingObject:  # body without facts: the upload itself was cut short
            continue
        with pool.connection() as conn:
            for facts in every:
                adopted += adopt_page(
                    conn,
                    url=facts.url,
                    source=facts.source,
                    raw_key=key,
                    etag=facts.header("ETag"),
                    last_modified=facts.header("Last-Modified"),
                    fetched_at=datetime.fromisoformat(facts.fetched_at),
                )
    return adopted
