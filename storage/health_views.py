"""Reads of the parser health views of schema `api` (docs/sql.md), for `newsarchive health` and the console.
Only the api views: the console reads them as the read-only role."""

from __future__ import annotations

from typing import Any

import psycopg

from storage.health import FIELDS

SHARE_COLUMNS = tuple(f"{f}_share" for f in FIELDS)


def health_by_day(conn: psycopg.Connection, *, source: str | None = None, days: int = 7) -> list[dict[str, Any]]:
    """Per source and UTC day, newest day first, the last `days` days."""
    return conn.execute(  # type: ignore[return-value]
        """SELECT * FROM api.parser_health
           WHERE (%(source)s::text IS NULL OR source = %(source)s)
             AND day > (now() AT TIME ZONE 'UTC')::date - %(days)s
           ORDER BY source, day DESC""",
        {"source": source, "days": days},
    ).fetchall()


def health_by_run(conn: psycopg.Connection, *, source: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest `limit` crawl runs of each source (or one source) that wrote records, oldest first."""
    return conn.execute(  # type: ignore[return-value]
        """SELECT * FROM (
               SELECT h.*, row_number() OVER (PARTITION BY h.source ORDER BY h.run_id DESC) AS n
               FROM api.parser_health_runs h WHERE %(source)s::text IS NULL OR h.source = %(source)s
           ) h WHERE n <= %(limit)s
           ORDER BY source, run_id""",
        {"source": source, "limit": limit},
    ).fetchall()


def alerts(conn: psycopg.Connection, *, source: str | None = None, cleared_hours: float = 0) -> list[dict[str, Any]]:
    """Open alerts, and those cleared in the last `cleared_hours`; open first, newest first."""
    return conn.execute(  # type: ignore[return-value]
        """SELECT * FROM api.parser_alerts
           WHERE (%(source)s::text IS NULL OR source = %(source)s)
             AND (cleared_at IS NULL OR cleared_at > now() - make_interval(secs => %(secs)s))
           ORDER BY cleared_at IS NOT NULL, first_seen_at DESC, source, field""",
        {"source": source, "secs": cleared_hours * 3600},
    ).fetchall()
