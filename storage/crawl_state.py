"""What the crawler remembers between crawls (crawl_pages) and what it did (crawl_runs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from storage.records import row_value, source_id_for

# Counters of a run, as Scrapy stats names -> crawl_runs columns (see scrapy_project/extensions.py).
RUN_COUNTERS = ("pages_seen", "pages_new", "pages_changed", "pages_unchanged", "pages_skipped", "pages_failed",
                "pages_trapped")  # fmt: skip
# Close reasons of a run that ended as planned: Scrapy's own, or a budget reached (scrapy_project/run.py).
COMPLETE_REASONS = ("finished", "closespider_pagecount", "closespider_timeout")


@dataclass(frozen=True)
class PageState:
    url: str
    etag: str | None
    last_modified: str | None
    raw_key: str
    first_seen_at: datetime
    last_fetched_at: datetime


def page_state(conn: psycopg.Connection, url: str) -> PageState | None:
    return page_states(conn, [url]).get(url)


def page_states(conn: psycopg.Connection, urls: list[str]) -> dict[str, PageState]:
    """What is remembered of each of `urls` (those never fetched are absent): one query for a batch."""
    rows = conn.execute(
        "SELECT url, etag, last_modified, raw_key, first_seen_at, last_fetched_at FROM crawl_pages WHERE url = ANY(%s)",
        (urls,),
    ).fetchall()
    return {row["url"]: PageState(**row) for row in rows}  # type: ignore[call-overload, index]


@dataclass(frozen=True)
class Fetch:
    """A page archived (and, if changed, announced), to be remembered."""

    url: str
    source: str
    raw_key: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    changed: bool
    run_id: int | None


_RECORD_FETCH = """
    INSERT INTO crawl_pages (url, source_id, etag, last_modified, raw_key, first_seen_at, last_fetched_at,
                             last_changed_at, last_run_id)
    VALUES (%(url)s, %(source_id)s, %(etag)s, %(last_modified)s, %(raw_key)s, %(at)s, %(at)s, %(at)s, %(run)s)
    ON CONFLICT (url) DO UPDATE SET
        etag = EXCLUDED.etag,
        last_modified = EXCLUDED.last_modified,
        raw_key = EXCLUDED.raw_key,
        last_fetched_at = GREATEST(crawl_pages.last_fetched_at, EXCLUDED.last_fetched_at),
        last_changed_at = CASE WHEN %(changed)s THEN EXCLUDED.last_changed_at ELSE crawl_pages.last_changed_at END,
        last_run_id = EXCLUDED.last_run_id
"""


def record_fetches(conn: psycopg.Connection, fetches: list[Fetch]) -> None:
    """Remember a batch of pages in one transaction (the caller's): their validators and bodies. The same
    URL twice in a batch is two statements, the later fetch winning as it would one by one."""
    source_ids = {name: source_id_for(conn, name) for name in {f.source for f in fetches}}
    params = [
        {
            "url": f.url, "source_id": source_ids[f.source], "etag": f.etag, "last_modified": f.last_modified,
            "raw_key": f.raw_key, "at": f.fetched_at, "run": f.run_id, "changed": f.changed,
        }
        for f in fetches
    ]  # fmt: skip
    with conn.cursor() as cur:
        cur.executemany(_RECORD_FETCH, params)  # pipelined by psycopg: one round trip for the batch


def record_fetch(conn: psycopg.Connection, **fetch: Any) -> None:
    """After a page was archived (and, if changed, announced): remember its validators and body."""
    record_fetches(conn, [Fetch(**fetch)])


def touch_fetch(conn: psycopg.Connection, url: str, fetched_at: datetime, run_id: int | None) -> None:
    """A 304: the page is as archived; only the time it was last confirmed moves."""
    conn.execute(
        "UPDATE crawl_pages SET last_fetched_at = GREATEST(last_fetched_at, %s), last_run_id = %s WHERE url = %s",
        (fetched_at, run_id, url),
    )


# A remembered page (crawl_pages p) whose raw object left no trace of processing yet.
NO_TRACE = """NOT EXISTS (SELECT 1 FROM articles a WHERE a.raw_key = p.raw_key)
              AND NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.raw_key = p.raw_key)
              AND NOT EXISTS (SELECT 1 FROM article_views w WHERE w.raw_key = p.raw_key)
              AND NOT EXISTS (SELECT 1 FROM failures f WHERE f.raw_key = p.raw_key)"""


def claim_unprocessed(conn: psycopg.Connection, older_than: timedelta) -> list[dict[str, Any]]:
    """Remembered pages older than `older_than` whose raw object left no trace (no article, version,
    views point or failure) and that were not sent again within `older_than`: mark them sent again now
    and return (url, raw_key, source). Concurrent reconcilers skip each other's rows."""
    return conn.execute(
        f"""
        WITH stuck AS (
            SELECT p.url FROM crawl_pages p
            WHERE p.last_changed_at <= now() - %(age)s
              AND (p.requeued_at IS NULL OR p.requeued_at <= now() - %(age)s)
              AND {NO_TRACE}
            FOR UPDATE SKIP LOCKED
        ), marked AS (
            UPDATE crawl_pages p SET requeued_at = now() FROM stuck WHERE p.url = stuck.url
            RETURNING p.url, p.raw_key, p.source_id
        )
        SELECT m.url, m.raw_key, s.name AS source FROM marked m LEFT JOIN sources s ON s.id = m.source_id
        ORDER BY m.url
        """,
        {"age": older_than},
    ).fetchall()  # type: ignore[return-value]


def forget_pages(conn: psycopg.Connection, raw_key: str) -> int:
    """Forget the remembered pages whose archived body is this object (lost or altered): the next crawl
    fetches them again, unconditionally. Returns how many."""
    return conn.execute("DELETE FROM crawl_pages WHERE raw_key = %s", (raw_key,)).rowcount


def remembered_urls(conn: psycopg.Connection, urls: list[str]) -> set[str]:
    """Those of `urls` the crawl state remembers (fetched by an earlier run)."""
    rows = conn.execute("SELECT url FROM crawl_pages WHERE url = ANY(%s)", (urls,)).fetchall()
    return {row_value(row, "url") for row in rows}


def remembered_keys(conn: psycopg.Connection) -> set[str]:
    return {row["raw_key"] for row in conn.execute("SELECT raw_key FROM crawl_pages").fetchall()}  # type: ignore[index]


def adopt_page(
    conn: psycopg.Connection,
    *,
    url: str,
    source: str | None,
    raw_key: str,
    etag: str | None,
    last_modified: str | None,
    fetched_at: datetime,
) -> bool:
    """Remember an archived page the crawler did not; a newer fetch of the URL already remembered wins."""
    cur = conn.execute(
        """
        INSERT INTO crawl_pages (url, source_id, etag, last_modified, raw_key, first_seen_at,
                                 last_fetched_at, last_changed_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (url) DO NOTHING
        """,
        (url, source_id_for(conn, source), etag, last_modified, raw_key, fetched_at, fetched_at, fetched_at),
    )
    return cur.rowcount == 1


def raw_keys_of_run(conn: psycopg.Connection, run_id: int) -> list[str]:
    """The pages a crawl run fetched last (new, changed, or confirmed unchanged by that run)."""
    rows = conn.execute("SELECT raw_key FROM crawl_pages WHERE last_run_id = %s ORDER BY raw_key", (run_id,))
    return [row_value(row, "raw_key") for row in rows.fetchall()]


def start_run(conn: psycopg.Connection, source: str, trigger: str, processes: int = 1) -> int:
    row = conn.execute(
        "INSERT INTO crawl_runs (source_id, trigger, processes) VALUES (%s, %s, %s) RETURNING id",
        (source_id_for(conn, source), trigger, processes),
    ).fetchone()
    assert row is not None
    return int(row_value(row, "id"))


def join_run(conn: psycopg.Connection, run_id: int, source: str) -> None:
    """One more crawler process joins a running run of this source (from another machine)."""
    row = conn.execute(
        "UPDATE crawl_runs SET processes = processes + 1 WHERE id = %s AND status = 'running'"
        " AND source_id = (SELECT id FROM sources WHERE name = %s) RETURNING id",
        (run_id, source),
    ).fetchone()
    if row is None:
        raise LookupError(f"no running crawl run {run_id} of source {source!r} to join")


def fail_run(conn: psycopg.Connection, run_id: int, reason: str) -> None:
    """Close a run whose processes died before they could close it themselves."""
    conn.execute(
        "UPDATE crawl_runs SET status = 'failed', finish_reason = %s, finished_at = now()"
        " WHERE id = %s AND status = 'running'",
        (reason, run_id),
    )


def beat_run(conn: psycopg.Connection, run_id: int, counts: dict[str, int] | None = None) -> None:
    """A crawler process of the run is alive; `counts` are what it did since its last beat (added, so the
    row's counts grow while the run goes on and several processes add up)."""
    sets = "".join(f", {c} = {c} + %({c})s" for c in RUN_COUNTERS)
    conn.execute(
        f"UPDATE crawl_runs SET heartbeat_at = now(){sets} WHERE id = %(id)s AND status = 'running'",
        {**{c: int((counts or {}).get(c, 0)) for c in RUN_COUNTERS}, "id": run_id},
    )


def close_abandoned_runs(conn: psycopg.Connection, silent_for: timedelta) -> list[int]:
    """Close the running runs with no heartbeat for `silent_for` (their processes died); their ids."""
    rows = conn.execute(
        """
        UPDATE crawl_runs SET status = 'failed', finished_at = now(),
            finish_reason = 'abandoned: no heartbeat since ' || to_char(heartbeat_at AT TIME ZONE 'UTC',
                                                                        'YYYY-MM-DD HH24:MI:SS "UTC"')
        WHERE status = 'running' AND heartbeat_at < now() - %s
        RETURNING id
        """,
        (silent_for,),
    ).fetchall()
    return sorted(int(row_value(row, "id")) for row in rows)


def finish_run_part(conn: psycopg.Connection, run_id: int, counts: dict[str, int], reason: str) -> bool:
    """One crawler process of the run is done: add its counts. Returns True when it was the last one,
    which closes the run (status finished, or failed if any process ended other than 'finished')."""
    sets = ", ".join(f"{c} = {c} + %({c})s" for c in RUN_COUNTERS)
    row = conn.execute(
        f"""
        UPDATE crawl_runs SET {sets},
            processes_done = processes_done + 1,
            finish_reason = CASE WHEN %(reason)s = ANY(%(complete)s) THEN coalesce(finish_reason, %(reason)s)
                                 ELSE %(reason)s END,
            finished_at = CASE WHEN processes_done + 1 >= processes THEN now() END,
            status = CASE WHEN processes_done + 1 < processes THEN 'running'
                          WHEN %(reason)s = 'interrupted' OR finish_reason = 'interrupted' THEN 'interrupted'
                          WHEN %(reason)s = ANY(%(complete)s)
                               AND coalesce(finish_reason, 'finished') = ANY(%(complete)s)
                          THEN 'finished' ELSE 'failed' END
        WHERE id = %(id)s
        RETURNING processes_done >= processes AS last
        """,
        {
            **{c: int(counts.get(c, 0)) for c in RUN_COUNTERS},
            "reason": reason,
            "id": run_id,
            "complete": list(COMPLETE_REASONS),
        },
    ).fetchone()
    return bool(row and row_value(row, "last"))


def recent_runs(conn: psycopg.Connection, limit: int = 20, source: str | None = None) -> list[dict[str, object]]:
    return conn.execute(
        """
        SELECT r.id, s.name AS source, r.trigger, r.status, r.finish_reason, r.processes, r.started_at,
               r.finished_at, r.pages_seen, r.pages_new, r.pages_changed, r.pages_unchanged, r.pages_skipped,
               r.pages_failed, r.pages_trapped
        FROM crawl_runs r JOIN sources s ON s.id = r.source_id
        WHERE %(source)s::text IS NULL OR s.name = %(source)s
        ORDER BY r.started_at DESC, r.id DESC LIMIT %(limit)s
        """,
        {"source": source, "limit": limit},
    ).fetchall()  # type: ignore[return-value]
