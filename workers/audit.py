"""Archive integrity: are the raw objects behind records and remembered pages still there, and still the
bytes their key names (the key is the SHA-256 of the body)? The object store can lose objects (restarted
empty, a bucket recreated, a lifecycle rule); nothing else would notice.

A missing or altered object becomes a failures row (stage `audit`) for every URL that points at it, and its
URLs are forgotten by the crawl state, so the next crawl fetches them again. Reads every object it checks:
run it on a sample (`newsarchive audit --sample N`, the beat task) or, rarely, on everything.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import zlib
from dataclasses import dataclass, field

from psycopg_pool import ConnectionPool

from storage.crawl_state import forget_pages
from storage.rawstore import MissingObject, RawStore
from storage.records import record_failure
from workers.reconcile import STORAGE_ERRORS, storage_failed

log = logging.getLogger(__name__)

_KEY = re.compile(r"^raw/[0-9a-f]{2}/(?P<sha>[0-9a-f]{64})\.html\.gz$")


@dataclass
class AuditReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)  # raw keys
    altered: list[str] = field(default_factory=list)  # raw keys whose bytes no longer hash to the key
    forgotten: int = 0  # remembered pages dropped from the crawl state: fetched again next time
    storage_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.storage_errors)


def audit(pool: ConnectionPool, store: RawStore, sample: int | None = None) -> AuditReport:
    """Check the raw objects referenced by records and remembered pages (all, or `sample` of them at random)."""
    report = AuditReport()
    with pool.connection() as conn:
        rows = conn.execute(
            """SELECT raw_key, array_agg(DISTINCT url) AS urls, min(source) AS source FROM (
                   SELECT a.raw_key, a.url, s.name AS source FROM articles a LEFT JOIN sources s ON s.id = a.source_id
                   UNION ALL
                   SELECT p.raw_key, p.url, s.name FROM crawl_pages p LEFT JOIN sources s ON s.id = p.source_id
               ) referenced GROUP BY raw_key ORDER BY random() LIMIT %(limit)s""",
            {"limit": sample},
        ).fetchall()
    for row in rows:
        key = row["raw_key"]  # type: ignore[index,call-overload]
        try:
            problem = _check(store, key)
        except STORAGE_ERRORS as exc:
            storage_failed(report, f"reading {key}", exc)
            break  # the next object would fail the same way
        report.checked += 1
        if problem is None:
            continue
        (report.missing if problem == "missing" else report.altered).append(key)
        log.error("audit: raw object %s is %s; its pages will be fetched again", key, problem)
        with pool.connection() as conn:
            for url in row["urls"]:  # type: ignore[index,call-overload]
                reason = f"raw object {problem}: fetched again by the next crawl"
                record_failure(conn, url=url, stage="audit", reason=reason, raw_key=key, source=row["source"])  # type: ignore[index,call-overload]
            report.forgotten += forget_pages(conn, key)
    return report


def _check(store: RawStore, key: str) -> str | None:
    """None when the object is there and its bytes hash to its key; else what is wrong."""
    try:
        body = store.get(key)
    except MissingObject:
        return "missing"
    except (gzip.BadGzipFile, EOFError, zlib.error):  # not gzip any more, or cut short
        return "altered (unreadable)"
    match = _KEY.match(key)
    if match and hashlib.sha256(body).hexdigest() != match["sha"]:
        return "altered"
    return None
