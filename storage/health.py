"""Parser health in SQL (migration 0011): observations of each record written, counts per source and day and
per crawl run, the statistics alerts are judged on, and the alerts themselves. Incremental: a turn reads only
the records written since the last one. workers/health.py decides; this module only reads and writes.
Connections give dict rows (storage.db)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

# Fields whose presence is measured, named as in api.articles (body: of a plausible length).
FIELDS = ("title", "body", "published_at", "views", "photo_credits", "authors", "rubric", "language")
BODY_LENGTH = "body_length"  # the median body length, judged apart from the shares
# Provenance families (SQL function provenance_kind), counted over the values of these fields.
VIA_KINDS = ("json_ld", "meta", "site_rule", "text_pattern", "html", "other")
_PROVENANCE_FIELDS = ["title", "published_at", "views", "photo_credits", "authors", "rubric", "language"]
# Records written by a transaction that began before the previous turn may commit after it: read back this far.
REREAD = timedelta(minutes=10)
EXAMPLES = 5
_LOCK_ID = 7_270_342  # one turn at a time (beat and `newsarchive health`); any constant unique to this lock

_COUNTS = ",\n".join(
    ["count(*) AS records"]
    + [f"count(*) FILTER (WHERE o.{f}) AS {f}" for f in FIELDS]
    + ["percentile_disc(0.5) WITHIN GROUP (ORDER BY o.body_length) AS median_body_length"]
    + [f"sum(o.via_{k}) AS via_{k}" for k in VIA_KINDS]
)
_COUNT_COLUMNS = ["records", *FIELDS, "median_body_length", *(f"via_{k}" for k in VIA_KINDS)]
_UPDATES = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COUNT_COLUMNS) + ", updated_at = now()"

_OBSERVE = f"""
INSERT INTO health_observations (article_id, observed_at, source_id, run_id, {", ".join(FIELDS)}, body_length,
                                 {", ".join(f"via_{k}" for k in VIA_KINDS)})
SELECT a.id, a.normalized_at, a.source_id,
       -- The run that fetched the page: its source's, begun before the fetch and not ended before it.
       (SELECT r.id FROM crawl_runs r
        WHERE r.source_id = a.source_id AND r.started_at <= a.fetched_at
          AND (r.finished_at IS NULL OR r.finished_at >= a.fetched_at)
        ORDER BY r.started_at DESC LIMIT 1),
       coalesce(a.title, '') <> '', length(a.body) >= %(min_body)s, a.published_at IS NOT NULL,
       a.views IS NOT NULL, cardinality(a.photo_credits) > 0, cardinality(a.authors) > 0,
       coalesce(a.rubric, '') <> '', a.language IS NOT NULL, length(a.body),
       {", ".join(f"v.{k}" for k in VIA_KINDS)}
FROM articles a
CROSS JOIN LATERAL (
    SELECT {", ".join(f"count(*) FILTER (WHERE provenance_kind(p.via) = '{k}') AS {k}" for k in VIA_KINDS)}
    FROM jsonb_each_text(a.provenance) AS p (field, via)
    WHERE p.field = ANY(%(provenance_fields)s) AND p.via NOT LIKE 'rejected:%%'
) v
WHERE a.source_id IS NOT NULL AND a.normalized_at > %(since)s
ON CONFLICT (article_id, observed_at) DO NOTHING
RETURNING source_id, (observed_at AT TIME ZONE 'UTC')::date AS day, run_id
"""

_REFRESH_DAYS = f"""
INSERT INTO parser_health_days (source_id, day, {", ".join(_COUNT_COLUMNS)})
SELECT t.source_id, t.day, {_COUNTS}
FROM unnest(%(sources)s::integer[], %(days)s::date[]) AS t (source_id, day)
JOIN health_observations o ON o.source_id = t.source_id
     AND o.observed_at >= t.day::timestamp AT TIME ZONE 'UTC'
     AND o.observed_at < (t.day + 1)::timestamp AT TIME ZONE 'UTC'
GROUP BY t.source_id, t.day
ON CONFLICT (source_id, day) DO UPDATE SET {_UPDATES}
"""

_REFRESH_RUNS = f"""
INSERT INTO parser_health_runs (run_id, source_id, {", ".join(_COUNT_COLUMNS)})
SELECT o.run_id, min(o.source_id), {_COUNTS}
FROM health_observations o
WHERE o.run_id = ANY(%(runs)s)
GROUP BY o.run_id
ON CONFLICT (run_id) DO UPDATE SET {_UPDATES}
"""

# Per source: its latest records (since its latest crawl run began, and at least the newest `min` ones) against
# the records of the baseline window before them. Counts per field; medians of the body length.
_SPLIT = """
WITH latest_run AS (
    SELECT source_id, max(started_at) AS started FROM crawl_runs WHERE source_id = ANY(%(sources)s) GROUP BY 1
), ranked AS (
    SELECT o.*, row_number() OVER (PARTITION BY o.source_id ORDER BY o.observed_at DESC, o.article_id DESC) AS rn
    FROM health_observations o
    WHERE o.source_id = ANY(%(sources)s) AND o.observed_at > now() - %(window)s
), split AS (
    SELECT r.*, (r.rn <= %(min)s OR r.observed_at >= coalesce(l.started, 'infinity')) AS latest
    FROM ranked r LEFT JOIN latest_run l USING (source_id)
)
"""

_FIELD_STATS = (
    _SPLIT
    + f"""
SELECT s.source_id, f.field,
       count(*) FILTER (WHERE s.latest) AS now_records,
       count(*) FILTER (WHERE s.latest AND f.has) AS now_with,
       count(*) FILTER (WHERE NOT s.latest) AS base_records,
       count(*) FILTER (WHERE NOT s.latest AND f.has) AS base_with,
       (array_agg(s.article_id ORDER BY s.observed_at DESC) FILTER (WHERE s.latest AND NOT f.has))[1:{EXAMPLES}]
           AS examples
FROM split s
CROSS JOIN LATERAL (VALUES {", ".join(f"('{f}', s.{f})" for f in FIELDS)}) AS f (field, has)
GROUP BY s.source_id, f.field
"""
)

# The body length: medians, and the latest records shorter than `drop` times the reference median (an open
# alert's `before`, else the baseline median).
_BODY_STATS = (
    _SPLIT
    + f""", medians AS (
    SELECT source_id,
           count(*) FILTER (WHERE latest) AS now_records,
           count(*) FILTER (WHERE NOT latest) AS base_records,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY body_length) FILTER (WHERE latest) AS now_median,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY body_length) FILTER (WHERE NOT latest) AS base_median
    FROM split GROUP BY source_id
), reference AS (
    SELECT m.*, coalesce(a.before, m.base_median) AS ref_median
    FROM medians m
    LEFT JOIN parser_alerts a ON a.source_id = m.source_id AND a.field = '{BODY_LENGTH}' AND a.cleared_at IS NULL
)
SELECT r.source_id, r.now_records, r.base_records, r.now_median, r.base_median,
       count(*) FILTER (WHERE s.latest AND s.body_length < r.ref_median * %(drop)s) AS affected,
       (array_agg(s.article_id ORDER BY s.observed_at DESC)
           FILTER (WHERE s.latest AND s.body_length < r.ref_median * %(drop)s))[1:{EXAMPLES}] AS examples
FROM reference r JOIN split s USING (source_id)
GROUP BY r.source_id, r.now_records, r.base_records, r.now_median, r.base_median
"""
)


@dataclass(frozen=True)
class Touched:
    """What a turn's new observations changed: the days and runs to count again, the sources to judge."""

    days: set[tuple[int, date]]
    runs: set[int]

    @property
    def sources(self) -> list[int]:
        return sorted({source for source, _ in self.days})


@dataclass(frozen=True)
class FieldStat:
    """One field of one source: its latest records against its baseline. For a share, `now` and `before` are
    shares of records (0-1) and `*_with` the records that have the field; for body_length, medians."""

    source_id: int
    field: str
    now_records: int
    base_records: int
    now: float | None
    before: float | None
    now_with: int = 0
    base_with: int = 0
    affected: int = 0
    examples: tuple[int, ...] = ()


def lock(conn: psycopg.Connection) -> None:
    """Held until the transaction ends: one turn at a time, so an alert is never opened twice."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))


def observe(conn: psycopg.Connection, *, min_body_chars: int, baseline: timedelta) -> Touched:
    """Record what every article written since the last turn holds; returns the days and runs touched. The
    first turn reads back the baseline window only."""
    last = _rows(conn, "SELECT max(observed_at) AS last FROM health_observations", {})[0]["last"]
    since = last - REREAD if last else datetime.now(UTC) - baseline
    rows = _rows(conn, _OBSERVE, {"since": since, "min_body": min_body_chars, "provenance_fields": _PROVENANCE_FIELDS})
    days = {(r["source_id"], r["day"]) for r in rows}
    runs = {r["run_id"] for r in rows if r["run_id"] is not None}
    return Touched(days, runs)


def refresh_counts(conn: psycopg.Connection, touched: Touched) -> None:
    """Count again the days and runs that got new observations."""
    if touched.days:
        sources, days = zip(*sorted(touched.days), strict=True)
        conn.execute(_REFRESH_DAYS, {"sources": list(sources), "days": list(days)})
    if touched.runs:
        conn.execute(_REFRESH_RUNS, {"runs": sorted(touched.runs)})


def field_stats(
    conn: psycopg.Connection, sources: list[int], *, min_records: int, baseline: timedelta, body_drop: float
) -> list[FieldStat]:
    """The latest records of each source against its baseline, for every field and the body length."""
    if not sources:
        return []
    params = {"sources": sources, "window": baseline, "min": min_records, "drop": body_drop}
    stats = []
    for row in _rows(conn, _FIELD_STATS, params):
        now_n, base_n = int(row["now_records"]), int(row["base_records"])
        now_with, base_with = int(row["now_with"]), int(row["base_with"])
        stats.append(
            FieldStat(
                source_id=row["source_id"],
                field=row["field"],
                now_records=now_n,
                base_records=base_n,
                now=now_with / now_n if now_n else None,
                before=base_with / base_n if base_n else None,
                now_with=now_with,
                base_with=base_with,
                affected=now_n - now_with,
                examples=tuple(row["examples"] or ()),
            )
        )
    for row in _rows(conn, _BODY_STATS, params):
        stats.append(
            FieldStat(
                source_id=row["source_id"],
                field=BODY_LENGTH,
                now_records=int(row["now_records"]),
                base_records=int(row["base_records"]),
                now=_float(row["now_median"]),
                before=_float(row["base_median"]),
                affected=int(row["affected"]),
                examples=tuple(row["examples"] or ()),
            )
        )
    return stats


def open_alerts(conn: psycopg.Connection, sources: list[int] | None = None) -> dict[tuple[int, str], dict[str, Any]]:
    """Open alerts by (source id, field), of some sources or all."""
    rows = _rows(
        conn,
        """SELECT a.*, s.name AS source FROM parser_alerts a JOIN sources s ON s.id = a.source_id
           WHERE a.cleared_at IS NULL AND (%(sources)s::integer[] IS NULL OR a.source_id = ANY(%(sources)s))""",
        {"sources": sources},
    )
    return {(r["source_id"], r["field"]): r for r in rows}


def open_alert(conn: psycopg.Connection, stat: FieldStat) -> int | None:
    """A new alert for this field of this source; its id (None if one is open already)."""
    row = conn.execute(
        """INSERT INTO parser_alerts (source_id, field, before, now, records, records_affected, example_article_ids)
           VALUES (%s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (source_id, field) WHERE cleared_at IS NULL DO NOTHING
           RETURNING id""",
        (stat.source_id, stat.field, stat.before, stat.now, stat.now_records, stat.affected, list(stat.examples)),
    ).fetchone()
    return row["id"] if row else None


def update_alert(conn: psycopg.Connection, alert_id: int, stat: FieldStat, *, clear: bool) -> None:
    """An open alert's latest figures; `clear`: the field is back, the alert is closed."""
    conn.execute(
        """UPDATE parser_alerts SET now = %s, records = %s, records_affected = %s, example_article_ids = %s,
                  checked_at = now(), cleared_at = CASE WHEN %s THEN now() END
           WHERE id = %s AND cleared_at IS NULL""",
        (stat.now, stat.now_records, stat.affected, list(stat.examples), clear, alert_id),
    )


def source_names(conn: psycopg.Connection, ids: list[int]) -> dict[int, str]:
    rows = _rows(conn, "SELECT id, name FROM sources WHERE id = ANY(%(ids)s)", {"ids": ids})
    return {r["id"]: r["name"] for r in rows}


def _rows(conn: psycopg.Connection, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return conn.execute(query, params).fetchall()  # type: ignore[return-value,arg-type]


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]  # numeric or integer
