"""What the console shows, read from the views of schema `api` only (it connects as the read-only role)."""

from __future__ import annotations

from typing import Any

import psycopg

Row = dict[str, Any]
PAGE = 100  # rows per table page


def _rows(conn: psycopg.Connection, query: str, params: dict[str, Any] | None = None) -> list[Row]:
    return conn.execute(query, params or {}).fetchall()  # type: ignore[return-value,arg-type]


def sources(conn: psycopg.Connection) -> list[Row]:
    """Every source with its records, newest record, latest run and open alerts."""
    return _rows(
        conn,
        """SELECT s.name AS source,
                  (SELECT count(*) FROM api.articles a WHERE a.source = s.name) AS articles,
                  (SELECT max(a.normalized_at) FROM api.articles a WHERE a.source = s.name) AS last_record,
                  r.run_id, r.status AS run_status, r.started_at AS run_started,
                  coalesce((SELECT array_agg(al.field ORDER BY al.field) FROM api.parser_alerts al
                            WHERE al.source = s.name AND al.cleared_at IS NULL), '{}') AS alert_fields
           FROM api.sources s
           LEFT JOIN LATERAL (SELECT * FROM api.crawl_runs c WHERE c.source = s.name
                              ORDER BY c.started_at DESC LIMIT 1) r ON true
           ORDER BY s.name""",
    )


def health_series(conn: psycopg.Connection, points: int = 20) -> dict[str, list[Row]]:
    """Per source, the parser health of its last `points` crawl runs, oldest first; of its last days for a
    source whose records came from no run (re-processed, imported)."""
    by_run = _group(
        _rows(
            conn,
            """SELECT * FROM (
                   SELECT h.*, row_number() OVER (PARTITION BY h.source ORDER BY h.run_id DESC) AS n
                   FROM api.parser_health_runs h) h
               WHERE n <= %(points)s ORDER BY source, run_id""",
            {"points": points},
        )
    )
    by_day = _group(
        _rows(
            conn,
            "SELECT * FROM api.parser_health WHERE day > current_date - %(points)s ORDER BY source, day",
            {"points": points},
        )
    )
    return {source: by_run.get(source) or by_day[source] for source in {*by_run, *by_day}}


def _group(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["source"], []).append(row)
    return grouped


def alerts(conn: psycopg.Connection, *, cleared_days: int = 7) -> list[Row]:
    return _rows(
        conn,
        """SELECT * FROM api.parser_alerts
           WHERE cleared_at IS NULL OR cleared_at > now() - make_interval(days => %(days)s)
           ORDER BY cleared_at IS NOT NULL, first_seen_at DESC, source, field""",
        {"days": cleared_days},
    )


def runs(conn: psycopg.Connection, *, source: str | None = None) -> list[Row]:
    return _rows(
        conn,
        f"""SELECT * FROM api.crawl_runs WHERE %(source)s::text IS NULL OR source = %(source)s
            ORDER BY status <> 'running', started_at DESC LIMIT {PAGE}""",
        {"source": source},
    )


def records_rate(conn: psycopg.Connection) -> Row:
    """Records written in the last 15 minutes and the last hour."""
    return _rows(
        conn,
        """SELECT count(*) FILTER (WHERE normalized_at > now() - interval '15 minutes') AS last_15_min,
                  count(*) AS last_hour
           FROM api.articles WHERE normalized_at > now() - interval '1 hour'""",
    )[0]


def failure_choices(conn: psycopg.Connection) -> Row:
    """The sources and stages failures have, for the filter's menus."""
    return _rows(
        conn,
        """SELECT array_agg(DISTINCT source ORDER BY source) FILTER (WHERE source IS NOT NULL) AS sources,
                  array_agg(DISTINCT stage ORDER BY stage) AS stages
           FROM api.failures""",
    )[0]


def failures(conn: psycopg.Connection, *, source: str = "", stage: str = "", reason: str = "") -> list[Row]:
    """The newest failures, by source, stage and a piece of their reason (any of them empty: all)."""
    return _rows(
        conn,
        f"""SELECT * FROM api.failures
            WHERE (%(source)s = '' OR source = %(source)s) AND (%(stage)s = '' OR stage = %(stage)s)
              AND (%(reason)s = '' OR reason ILIKE '%%' || %(reason)s || '%%')
            ORDER BY created_at DESC LIMIT {PAGE}""",
        {"source": source, "stage": stage, "reason": reason},
    )


def search(conn: psycopg.Connection, query: str) -> list[Row]:
    """Full-text search as people type it (websearch syntax), Russian, English or neither, best first."""
    rows = _rows(
        conn,
        f"""SELECT a.article_id, a.source, a.title, a.published_at, ts_rank(a.search, q) AS rank,
                   ts_headline(CASE a.language WHEN 'ru' THEN 'russian' WHEN 'en' THEN 'english'
                                   ELSE 'simple' END::regconfig,
                               a.body, q, %(options)s) AS excerpt
            FROM api.articles a,
                 LATERAL (SELECT websearch_to_tsquery('russian', %(q)s) || websearch_to_tsquery('english', %(q)s)
                                 || websearch_to_tsquery('simple', %(q)s) AS q) AS query
            WHERE a.search @@ q
            ORDER BY rank DESC, a.published_at DESC NULLS LAST LIMIT {PAGE}""",
        {"q": query, "options": f"MaxWords=30, MinWords=12, StartSel={_MARK}, StopSel={_UNMARK}"},
    )
    for row in rows:
        row["excerpt"] = marked_parts(row["excerpt"])
    return rows


# ts_headline marks matches with these (private-use characters: never in a news text); the template shows
# them as <mark> without trusting the text as HTML.
_MARK, _UNMARK = "\ue000", "\ue001"


def marked_parts(excerpt: str) -> list[tuple[str, bool]]:
    """'a <m>b</m> c' -> [('a ', False), ('b', True), (' c', False)]."""
    parts = []
    for i, piece in enumerate(excerpt.replace(_UNMARK, _MARK).split(_MARK)):
        if piece:
            parts.append((piece, i % 2 == 1))
    return parts


def stories(conn: psycopg.Connection) -> list[Row]:
    """Stories told by several articles, newest first, with their articles."""
    rows = _rows(conn, f"SELECT * FROM api.stories ORDER BY last_published DESC NULLS LAST LIMIT {PAGE}")
    ids = [i for row in rows for i in row["article_ids"]]
    titles = {
        r["article_id"]: r
        for r in _rows(
            conn,
            "SELECT article_id, source, title, published_at FROM api.articles WHERE article_id = ANY(%(ids)s)",
            {"ids": ids},
        )
    }
    for row in rows:
        row["items"] = [titles[i] for i in row["article_ids"] if i in titles]
    return rows


def article(conn: psycopg.Connection, article_id: int) -> Row | None:
    found = _rows(
        conn,
        """SELECT a.*, (SELECT count(*) FROM api.article_versions v WHERE v.article_id = a.article_id) AS versions
           FROM api.articles a WHERE a.article_id = %(id)s""",
        {"id": article_id},
    )
    return found[0] if found else None


def raw_key_of(conn: psycopg.Connection, article_id: int) -> str | None:
    found = _rows(conn, "SELECT raw_key FROM api.articles WHERE article_id = %(id)s", {"id": article_id})
    return found[0]["raw_key"] if found else None


# Record fields beside their provenance key in api.articles.provenance (the normalizer's names).
ARTICLE_FIELDS = (
    ("title", "title"),
    ("published_at", "published_at"),
    ("modified_at", "modified_at"),
    ("authors", "authors"),
    ("rubric", "rubric"),
    ("tags", "tags"),
    ("views", "views"),
    ("photo_credits", "photo_credits"),
    ("cited_sources", "cited_sources"),
    ("dateline_place", "dateline"),
    ("dateline_agency", "dateline"),
    ("agency", "agency"),
    ("language", "language"),
    ("body", "text"),
)
