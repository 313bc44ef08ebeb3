"""Celery tasks: thin adapters over workers.process. Names are a contract with other systems."""

from __future__ import annotations

import base64
import logging
from datetime import datetime, timedelta
from typing import Any

import psycopg
import urllib3.exceptions
from celery.exceptions import SoftTimeLimitExceeded
from minio.error import S3Error

from storage.records import archived_keys_between
from workers import resources
from workers.audit import audit
from workers.celery_app import app
from workers.crawl import run_crawl
from workers.health import Thresholds, run_turn
from workers.page_task import PageTask
from workers.process import Page, Ready, archived_keys, normalize_archived, prepare, reprocess_archived, write_all
from workers.reconcile import Pending, reconcile
from workers.stories import regroup_recent

log = logging.getLogger(__name__)

# Services that may come back: retry with exponential backoff and jitter.
TRANSIENT_ERRORS = (psycopg.OperationalError, urllib3.exceptions.HTTPError, S3Error, ConnectionError)
# Page tasks: retried with backoff while a service is away, bounded in attempts and in time (a page that
# stalls a worker is stopped by the soft limit, the hard limit kills the child as a last resort; both
# stay below the broker's visibility timeout so a running task is never delivered twice).
_LIMIT = resources.settings().normalize_time_limit
# A retry is a new message the worker holds until its countdown is over, unacknowledged: countdown plus
# run time must stay below the visibility timeout too, or Redis hands the retry out a second time.
_MAX_COUNTDOWN = max(5, resources.settings().broker_visibility_timeout - (_LIMIT + 10))
PAGE_TASK: dict[str, Any] = {
    "base": PageTask,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": _MAX_COUNTDOWN,
    "retry_jitter": True,  # full jitter: a countdown anywhere from 0 to the backoff
    # With the defaults (countdowns up to 20 s) 30 retries wait out an outage of ~5 minutes on average;
    # a page still failing then gets a failures row (or, with the database away, reconciliation's turn).
    "max_retries": 30,
    "soft_time_limit": _LIMIT,
    "time_limit": _LIMIT + 10,
}


@app.task(name="newsarchive.normalize", **PAGE_TASK)
def normalize(
    raw_key: str,
    url: str,
    fetched_at: str,
    source: str | None = None,
    content_type: str | None = None,
    content_encoding: str | None = None,
    raw_b64: str | None = None,
) -> str:
    """Normalize one archived page into its article record (or a failures row). `content_encoding`: the
    codings the archived body still has (a page imported from a WARC keeps them as sent). `raw_b64`: the
    raw object's bytes (gzip, base64) sent by the crawler, so the archive need not be read back."""
    outcome = normalize_archived(
        resources.raw_store(),
        resources.pool(),
        raw_key=raw_key,
        url=url,
        fetched_at=fetched_at,
        source=source,
        content_type=content_type,
        rules=resources.site_rules().get(source or ""),
        max_bytes=resources.settings().max_page_bytes,
        content_encoding=content_encoding,
        packed=base64.b64decode(raw_b64) if raw_b64 else None,
    )
    return outcome.status


@app.task(name="newsarchive.normalize_pages", bind=True, **PAGE_TASK)
def normalize_pages(self: PageTask, pages: list[dict[str, Any]]) -> str:
    """Several pages the crawler archived close together, each normalized as by `newsarchive.normalize`
    (its own record or failures row), written in one transaction: one message, one acknowledgement and one
    commit for them all. A retry runs the batch again, which changes nothing for what was written (every
    write is idempotent). A page that runs into the soft time limit gets its failures row, the pages done
    before it are written, and those after it go out again as a new batch."""
    ready: list[Ready] = []
    rules = resources.site_rules()
    overtime: Ready | None = None
    for done, kwargs in enumerate(pages):
        page = task_page(**kwargs)
        try:
            ready.append(prepare(resources.raw_store(), page, rules=rules.get(page.source or ""),
                                 max_bytes=resources.settings().max_page_bytes))  # fmt: skip
        except SoftTimeLimitExceeded:
            log.error("newsarchive.normalize_pages %s (%s): longer than %s s", page.url, page.raw_key,
                      self.soft_time_limit)  # fmt: skip
            overtime = Ready(page, failure=("normalize", f"gave up: longer than {self.soft_time_limit} s"))
            if rest := pages[done + 1 :]:
                normalize_pages.apply_async(kwargs={"pages": rest}, queue="normalize")
            break
    outcomes = write_all(resources.pool(), [*ready, *([overtime] if overtime else [])])
    again = len(pages) - len(outcomes)
    return ", ".join([outcome.status for outcome in outcomes] + ([f"{again} sent again"] if again else []))


def task_page(
    raw_key: str,
    url: str,
    fetched_at: str,
    source: str | None = None,
    content_type: str | None = None,
    content_encoding: str | None = None,
    raw_b64: str | None = None,
) -> Page:
    """A page as a normalize task names it (unknown arguments raise TypeError, as the task's would)."""
    packed = base64.b64decode(raw_b64) if raw_b64 else None
    return Page(raw_key, url, fetched_at, source, content_type, content_encoding, packed)


@app.task(name="newsarchive.reprocess", **PAGE_TASK)
def reprocess(raw_key: str) -> str:
    """Normalize one archived page again, from the archive alone, for every URL that served it; the
    outcomes, comma-separated (one for a page served by one URL)."""
    settings = resources.settings()
    rules = resources.site_rules()
    outcomes = reprocess_archived(
        resources.raw_store(),
        resources.pool(),
        raw_key,
        rules_for=lambda source: rules.get(source or ""),
        max_bytes=settings.max_page_bytes,
    )
    return ", ".join(outcome.status for outcome in outcomes)


@app.task(name="newsarchive.reprocess_article")
def reprocess_article(url: str) -> int:
    """Re-process one article (by canonical URL or the URL it was fetched as); returns pages queued."""
    return queue_reprocess(archived_keys(resources.pool(), url=url))


@app.task(name="newsarchive.reprocess_source")
def reprocess_source(name: str) -> int:
    """Re-process every article of one source from the archive; returns pages queued."""
    return queue_reprocess(archived_keys(resources.pool(), source=name))


@app.task(name="newsarchive.reprocess_range")
def reprocess_range(source: str | None = None, since: str | None = None, until: str | None = None) -> int:
    """Re-process archived pages (all, one source, fetched in [since, until): ISO times); returns pages
    queued. Changes only the records whose output changed; safe to send again."""
    with resources.pool().connection() as conn:
        keys = archived_keys_between(
            conn,
            source=source,
            since=datetime.fromisoformat(since) if since else None,
            until=datetime.fromisoformat(until) if until else None,
        )
    return queue_reprocess(keys)


def queue_reprocess(keys: list[str]) -> int:
    """Send one `newsarchive.reprocess` per raw key to the workers; returns how many."""
    for key in keys:
        reprocess.apply_async(args=[key], queue="normalize")
    return len(keys)


@app.task(name="newsarchive.group_stories")
def group_stories_task(days: float = 7.0) -> int:
    """Group the last days' articles into stories (workers/stories.py); returns articles that changed story."""
    return regroup_recent(resources.pool(), days=days).changed


@app.task(name="newsarchive.parser_health")
def parser_health() -> dict[str, int]:
    """Parser health of the records written since the last turn, and alerts opened or cleared (workers/health.py)."""
    report = run_turn(resources.pool(), Thresholds.from_settings(resources.settings()))
    return {"observed": report.observed, "opened": report.opened, "cleared": report.cleared}


AUDIT_SAMPLE = 200  # objects a beat's audit reads: the whole archive over many beats


@app.task(name="newsarchive.reconcile")
def reconcile_pages(older_than_minutes: float = 10, scan_archive: bool = False) -> int:
    """Queue again the archived pages that have neither a record nor a failure; returns how many."""
    report = reconcile(
        resources.pool(),
        send_normalize,
        resources.raw_store(),
        older_than=timedelta(minutes=older_than_minutes),
        scan_archive=scan_archive,
    )
    return len(report.requeued)


@app.task(name="newsarchive.audit")
def audit_archive(sample: int | None = AUDIT_SAMPLE) -> dict[str, int]:
    """Check a random sample of the raw objects behind records and remembered pages (workers/audit.py)."""
    report = audit(resources.pool(), resources.raw_store(), sample=sample)
    return {"checked": report.checked, "missing": len(report.missing), "altered": len(report.altered)}


def send_normalize(page: Pending, content_type: str | None) -> None:
    normalize.apply_async(
        kwargs={
            "raw_key": page.raw_key,
            "url": page.url,
            "fetched_at": page.fetched_at.isoformat(),
            "source": page.source,
            "content_type": content_type,
            # Only when there is one: a worker of the previous release knows no such argument.
            **({"content_encoding": page.content_encoding} if page.content_encoding else {}),
        },
        queue="normalize",
    )


# The child crawl is stopped a little before Celery's hard limit would kill the task itself.
CRAWL_TIME_LIMIT = 6 * 3600


@app.task(name="newsarchive.crawl_source", acks_late=False, time_limit=CRAWL_TIME_LIMIT + 60)
def crawl_source(name: str, trigger: str = "task") -> str:
    """Crawl one source now. Acknowledged on receipt: a crawl outlives the broker's visibility timeout,
    and a lost trigger is replaced by the next scheduled one. `trigger` is recorded in crawl_runs."""
    settings = resources.settings()
    return run_crawl([name], settings.sources_file, timeout=CRAWL_TIME_LIMIT, trigger=trigger)


@app.task(name="newsarchive.crawl_all", acks_late=False, time_limit=CRAWL_TIME_LIMIT + 60)
def crawl_all(trigger: str = "task") -> str:
    """Crawl every source in the sources file now."""
    settings = resources.settings()
    return run_crawl([], settings.sources_file, timeout=CRAWL_TIME_LIMIT, trigger=trigger)
