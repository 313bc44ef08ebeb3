"""What an operator asks first: is work waiting, is it moving, is a crawl running, what is failing.
Read by `newsarchive status`; the queue depths come from the broker, the rest from PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import psycopg

from storage.crawl_state import NO_TRACE, RUN_COUNTERS

RECENT_MINUTES = 15  # records per minute are averaged over this
FAILURE_HOURS = 24


@dataclass
class Status:
    waiting: int = 0  # archived and remembered, not yet a record, version, views point or failure
    records_per_minute: float = 0.0
    records_last_hour: int = 0
    running: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)  # the 10 largest (stage, reason), last 24 h
    failures_total: int = 0  # every failure of the last 24 h, not only those 10 groups


def read_status(conn: psycopg.Connection) -> Status:
    status = Status()
    row = conn.execute(f"SELECT count(*) AS n FROM crawl_pages p WHERE {NO_TRACE}").fetchone()
    status.waiting = int(row["n"]) if row else 0  # type: ignore[index,call-overload]
    row = conn.execute(
        """SELECT count(*) FILTER (WHERE normalized_at > now() - %(recent)s) AS recent,
                  count(*) FILTER (WHERE normalized_at > now() - interval '1 hour') AS hour
           FROM articles WHERE normalized_at > now() - interval '1 hour'""",
        {"recent": timedelta(minutes=RECENT_MINUTES)},
    ).fetchone()
    if row:
        status.records_per_minute = int(row["recent"]) / RECENT_MINUTES  # type: ignore[index,call-overload]
        status.records_last_hour = int(row["hour"])  # type: ignore[index,call-overload]
    counters = ", ".join(f"r.{c}" for c in RUN_COUNTERS)
    status.running = conn.execute(  # type: ignore[assignment]
        f"""SELECT r.id, s.name AS source, r.trigger, r.started_at, r.heartbeat_at, {counters}
            FROM crawl_runs r JOIN sources s ON s.id = r.source_id
            WHERE r.status = 'running' ORDER BY r.started_at"""
    ).fetchall()
    since = {"hours": timedelta(hours=FAILURE_HOURS)}
    status.failures = conn.execute(  # type: ignore[assignment]
        """SELECT f.stage, left(f.reason, 90) AS reason, count(*) AS pages, max(f.created_at) AS last
           FROM failures f WHERE f.created_at > now() - %(hours)s
           GROUP BY 1, 2 ORDER BY pages DESC, last DESC LIMIT 10""",
        since,
    ).fetchall()
    row = conn.execute("SELECT count(*) AS n FROM failures WHERE created_at > now() - %(hours)s", since).fetchone()
    status.failures_total = int(row["n"]) if row else 0  # type: ignore[index,call-overload]
    return status


@dataclass(frozen=True)
class RunProgress:
    pages: int  # archived and remembered by the runs
    done: int  # of them: a record, a version, a views point or a failure
    failed: int  # of them: a failure


def run_progress(conn: psycopg.Connection, run_ids: list[int]) -> RunProgress:
    """How far the workers are with the pages these crawl runs archived."""
    row = conn.execute(
        f"""SELECT count(*) AS pages, count(*) FILTER (WHERE NOT ({NO_TRACE})) AS done,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM failures f WHERE f.raw_key = p.raw_key)) AS failed
            FROM crawl_pages p WHERE p.last_run_id = ANY(%(runs)s)""",
        {"runs": run_ids},
    ).fetchone()
    assert row is not None
    return RunProgress(int(row["pages"]), int(row["done"]), int(row["failed"]))  # type: ignore[call-overload]
