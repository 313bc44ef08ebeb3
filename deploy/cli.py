"""The `newsarchive` command: the entry point of every process, here and in docker-compose.yml."""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from deploy.settings import Settings
from storage.crawl_state import COMPLETE_REASONS

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Iterable

    from storage.warc import Imported, Skipped
    from workers.normalize import SiteRules


def cmd_demo(args: argparse.Namespace) -> int:
    from deploy.demo import run_demo

    try:
        summary = run_demo(workers=args.workers, keep=args.keep, timeout=args.timeout)
    except KeyboardInterrupt:
        print("\ninterrupted: everything the demo started is stopped, its data deleted", file=sys.stderr)
        return 130
    return 0 if summary.failed == 0 and summary.normalized == summary.article_pages else 1


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.migrate import apply_migrations

    settings = _require(Settings.from_env(), "DATABASE_URL")
    applied = apply_migrations(settings.database_url)
    print(f"applied: {', '.join(applied)}" if applied else "schema up to date")
    if settings.console_database_url:  # the console's login: read-only, from the URL's user and password
        from storage.db import connect
        from storage.reader_login import ensure_reader_login

        with connect(settings.database_url, autocommit=True) as conn:
            ensure_reader_login(conn, settings.console_database_url)
        print("console login ready (member of newsarchive_reader)")
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from deploy.console.server import ConsoleError, serve

    settings = Settings.from_env()
    try:
        serve(settings, args.host or settings.console_host, args.port or settings.console_port)
    except ConsoleError as exc:
        print(f"newsarchive console: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    settings = _require(Settings.from_env(), "DATABASE_URL", "REDIS_URL", "S3_ENDPOINT")
    argv = [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker",
        "-Q", args.queues, "-c", str(args.concurrency or settings.worker_concurrency),
        "--loglevel", settings.log_level,
    ]  # fmt: skip
    os.execv(sys.executable, argv)


def cmd_beat(args: argparse.Namespace) -> int:
    settings = _require(Settings.from_env(), "REDIS_URL")
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.celery_app",
        "beat",
        "--loglevel",
        settings.log_level,
    ]
    os.execv(sys.executable, argv)


def cmd_sources(args: argparse.Namespace) -> int:
    from scrapy_project.sources import load_sources

    for source in load_sources(args.sources_file or Settings.from_env().sources_file):
        print(f"{source.name:<24} {', '.join(source.start_urls)}")
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from scrapy_project.extensions import run_outcome
    from scrapy_project.frontier import frontier_settings
    from scrapy_project.run import crawl
    from scrapy_project.sources import load_sources
    from storage.db import connect
    from storage.records import ensure_source

    settings = _require(Settings.from_env(), "DATABASE_URL", "REDIS_URL", "S3_ENDPOINT")
    sources_file = args.sources_file or settings.sources_file
    sources = load_sources(sources_file)
    chosen = sources if args.all else [s for s in sources if s.name in args.source]
    unknown = set(args.source) - {s.name for s in sources}
    if unknown or not chosen:
        print(f"unknown source(s): {sorted(unknown) or args.source}; see `newsarchive sources`", file=sys.stderr)
        return 2
    if (args.processes > 1 or args.join_run) and len(chosen) != 1:
        print("--processes and --join-run take exactly one source", file=sys.stderr)
        return 2
    with connect(settings.database_url) as conn:
        for source in chosen:
            ensure_source(conn, source.name, source.as_config())
    if args.processes > 1:
        return _crawl_in_processes(settings, chosen[0].name, sources_file, args.processes, args.trigger)

    overrides: dict[str, object] = {"NEWSARCHIVE_TRIGGER": args.trigger}
    if args.join_run:  # one of several processes of a run: share its frontier in Redis
        overrides.update(frontier_settings(args.join_run, settings.frontier_idle_seconds))
        overrides.update({"NEWSARCHIVE_RUN_ID": args.join_run, "NEWSARCHIVE_RUN_COUNTED": args.counted})
    stats = crawl(settings, chosen, overrides=overrides)
    outcomes = {name: run_outcome(str(s.get("finish_reason", "")), s) for name, s in stats.items()}
    for name, s in stats.items():
        print(
            f"{name}: run {s.get('newsarchive/run_id', '-')}, {outcomes[name]}: "
            f"{s.get('response_received_count', 0)} pages fetched, "
            f"{s.get('newsarchive/archived', 0)} archived, {s.get('newsarchive/announced', 0)} announced, "
            f"{s.get('newsarchive/not_modified', 0)} not modified, {s.get('newsarchive/skipped', 0)} skipped, "
            f"{s.get('newsarchive/archive_failed', 0)} failed to archive, {s.get('newsarchive/trapped', 0)} trap links"
        )
    status = crawl_exit_status(outcomes.values())
    if args.wait and status != 130:
        run_ids = [int(s["newsarchive/run_id"]) for s in stats.values() if s.get("newsarchive/run_id")]
        if not _wait_for_normalization(settings, run_ids, args.wait_timeout):
            return status or 1
    return status


def _wait_for_normalization(settings: Settings, run_ids: list[int], timeout: float) -> bool:
    """A progress bar until the workers have normalized (or failed) every page the runs archived."""
    import time

    from tqdm import tqdm

    from storage.db import connect
    from storage.status import run_progress

    deadline = time.monotonic() + timeout
    with connect(settings.database_url) as conn, tqdm(desc="normalized", unit="page") as bar:
        while True:
            progress = run_progress(conn, run_ids)
            bar.total = progress.pages
            bar.n = progress.done
            bar.set_postfix(failed=progress.failed, refresh=False)
            bar.refresh()
            if progress.done >= progress.pages or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    ok = progress.done >= progress.pages
    print(
        f"normalized {progress.done - progress.failed} of {progress.pages} archived pages, {progress.failed} failed"
        + ("" if ok else f"; {progress.pages - progress.done} still waiting after {timeout:.0f} s (workers running?)")
    )
    return ok


def crawl_exit_status(outcomes: Iterable[str]) -> int:
    """130 when a signal stopped a run (as a shell reports Ctrl-C), 1 when one failed, else 0."""
    outcomes = list(outcomes)
    if "interrupted" in outcomes:
        return 130
    return 0 if all(outcome in COMPLETE_REASONS for outcome in outcomes) else 1


def _crawl_in_processes(settings: Settings, source: str, sources_file: str, processes: int, trigger: str) -> int:
    """One crawl run shared by N crawler processes on this machine (more can join from others)."""
    import subprocess

    from storage.crawl_state import fail_run, recent_runs, start_run
    from storage.db import connect

    with connect(settings.database_url) as conn:
        run_id = start_run(conn, source, trigger, processes=processes)
    print(f"crawl run {run_id}: {processes} processes; join from another machine with "
          f"`newsarchive crawl {source} --join-run {run_id}`", flush=True)  # fmt: skip
    cmd = [
        sys.executable, "-m", "deploy.cli", "crawl", source, "--sources-file", sources_file,
        "--join-run", str(run_id), "--counted", "--trigger", trigger,
    ]  # fmt: skip
    children = [subprocess.Popen(cmd) for _ in range(processes)]
    codes = [child.wait() for child in children]
    with connect(settings.database_url) as conn:
        if any(codes):
            fail_run(conn, run_id, f"crawler process exit codes {codes}")
        run = next(r for r in recent_runs(conn, limit=50, source=source) if r["id"] == run_id)
    print(_format_run(run))
    return 1 if any(codes) else 0


def cmd_status(args: argparse.Namespace) -> int:
    import redis

    from storage.db import connect
    from storage.status import FAILURE_HOURS, RECENT_MINUTES, read_status
    from workers.celeryconfig import QUEUES

    settings = _require(Settings.from_env(), "DATABASE_URL", "REDIS_URL")
    with connect(settings.database_url) as conn:
        status = read_status(conn)
    broker = redis.Redis.from_url(settings.redis_url)
    try:
        depths = {queue: int(broker.llen(queue)) for queue in QUEUES}  # type: ignore[arg-type]
    finally:
        broker.close()
    print("queues (tasks waiting): " + ", ".join(f"{queue} {n}" for queue, n in depths.items()))
    print(f"archived, not yet normalized: {status.waiting}")
    print(
        f"records: {status.records_per_minute:.1f} a minute over the last {RECENT_MINUTES} min,"
        f" {status.records_last_hour} in the last hour"
    )
    print(f"running crawls: {len(status.running)}")
    for run in status.running:
        beat = run["heartbeat_at"].astimezone(UTC)
        print(
            f"  run {run['id']} {run['source']} ({run['trigger']}), last beat {beat:%H:%M:%S} UTC:"
            f" {run['pages_seen']} seen, {run['pages_new']} new, {run['pages_changed']} changed,"
            f" {run['pages_unchanged']} unchanged, {run['pages_failed']} failed, {run['pages_trapped']} trap links"
        )
    print(f"failures in the last {FAILURE_HOURS} h: {status.failures_total}")
    for failure in status.failures:
        print(f"  {failure['pages']:>5}  {failure['stage']:<9} {failure['reason']}")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from deploy.health_table import alert_lines, day_lines, run_lines
    from storage.db import connect, make_pool
    from storage.health_views import alerts, health_by_day, health_by_run
    from workers.health import Thresholds, run_turn

    settings = _require(Settings.from_env(), "DATABASE_URL")
    if not args.no_update:  # what beat does every 5 minutes, now: incremental, so cheap
        pool = make_pool(settings.database_url, max_size=1)
        try:
            run_turn(pool, Thresholds.from_settings(settings))
        finally:
            pool.close()
    with connect(settings.database_url) as conn:
        days = health_by_day(conn, source=args.source, days=args.days)
        runs = health_by_run(conn, source=args.source, limit=10) if args.source else []
        found = alerts(conn, source=args.source, cleared_hours=24)
    print(f"new or changed records per source and UTC day, the share that has each field (body: at least"
          f" {settings.health_min_body_chars} characters), and where the values came from")  # fmt: skip
    for line in day_lines(days):
        print(line)
    if args.source:  # one source: its last crawl runs too
        print(f"\n{args.source}: the records of its last {len(runs)} crawl run(s)")
        for line in run_lines(runs):
            print(line)
    for line in alert_lines(found):
        print(line)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from storage.crawl_state import recent_runs
    from storage.db import connect

    settings = _require(Settings.from_env(), "DATABASE_URL")
    with connect(settings.database_url) as conn:
        runs = recent_runs(conn, limit=args.limit, source=args.source)
    print(f"{'run':>6}  {'source':<20} {'trigger':<8} {'status':<9} {'started (UTC)':<19} {'secs':>6}  {'seen':>6}"
          f" {'new':>6} {'changed':>7} {'same':>6} {'skipped':>7} {'failed':>6} {'trapped':>7}")  # fmt: skip
    for run in runs:
        print(_format_run(run))
    return 0


def _format_run(run: dict[str, Any]) -> str:
    started = run["started_at"].astimezone(UTC)
    secs = f"{(run['finished_at'] - run['started_at']).total_seconds():.1f}" if run["finished_at"] else "-"
    return (
        f"{run['id']:>6}  {run['source']:<20} {run['trigger']:<8} {run['status']:<9} {started:%Y-%m-%d %H:%M:%S}"
        f" {secs:>6}  {run['pages_seen']:>6} {run['pages_new']:>6} {run['pages_changed']:>7}"
        f" {run['pages_unchanged']:>6} {run['pages_skipped']:>7} {run['pages_failed']:>6} {run['pages_trapped']:>7}"
    )


def cmd_reconcile(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from storage.db import make_pool
    from storage.rawstore import RawStore
    from workers.reconcile import reconcile
    from workers.tasks import send_normalize

    settings = _require(Settings.from_env(), "DATABASE_URL", "REDIS_URL", "S3_ENDPOINT")
    store = RawStore.from_settings(settings)
    pool = make_pool(settings.database_url, max_size=2)
    try:
        report = reconcile(
            pool, send_normalize, store, timedelta(minutes=args.older_than_minutes), scan_archive=args.scan_archive
        )
    finally:
        pool.close()
    for page in report.requeued:
        print(f"queued again: {page.url} ({page.raw_key})")
    for run_id in report.abandoned_runs:
        print(f"closed abandoned crawl run {run_id}")
    for error in report.storage_errors:
        print(error, file=sys.stderr)
    print(f"adopted {report.adopted} unremembered object(s); queued {len(report.requeued)} page(s) again")
    return 1 if report.storage_errors else 0


def cmd_audit(args: argparse.Namespace) -> int:
    from storage.db import make_pool
    from storage.rawstore import RawStore
    from workers.audit import audit

    settings = _require(Settings.from_env(), "DATABASE_URL", "S3_ENDPOINT")
    pool = make_pool(settings.database_url, max_size=2)
    try:
        report = audit(pool, RawStore.from_settings(settings), sample=args.sample)
    finally:
        pool.close()
    for key in report.missing:
        print(f"missing: {key}")
    for key in report.altered:
        print(f"altered: {key}")
    for error in report.storage_errors:
        print(error, file=sys.stderr)
    print(
        f"checked {report.checked} raw object(s): {len(report.missing)} missing, {len(report.altered)} altered;"
        f" {report.forgotten} remembered page(s) forgotten, to be fetched again by the next crawl"
    )
    return 0 if report.ok else 1


def cmd_reprocess(args: argparse.Namespace) -> int:
    from storage.db import make_pool
    from storage.rawstore import RawStore
    from storage.records import archived_keys_between
    from workers.reprocess import ReprocessReport, reprocess_pages
    from workers.site_rules import load_site_rules

    settings = _require(Settings.from_env(), "DATABASE_URL", "S3_ENDPOINT")
    pool = make_pool(settings.database_url, max_size=2)
    try:
        with pool.connection() as conn:
            keys = archived_keys_between(conn, source=args.source, since=args.since, until=args.until)
        if args.queue:
            from workers.tasks import queue_reprocess

            print(f"queued {queue_reprocess(keys)} page(s) for re-processing")
            return 0
        store = RawStore.from_settings(settings)
        rules = load_site_rules(settings.sources_file)

        def show(report: ReprocessReport) -> None:
            print(f"reprocess: {report.line()}", flush=True)

        report = reprocess_pages(store, pool, keys, rules_for=lambda source: rules.get(source or ""),
                                 max_bytes=settings.max_page_bytes, progress=show)  # fmt: skip
    finally:
        pool.close()
    return 1 if report.outcomes["failed"] else 0


def cmd_stories(args: argparse.Namespace) -> int:
    from storage.db import make_pool
    from workers.stories import regroup_recent

    settings = _require(Settings.from_env(), "DATABASE_URL")
    pool = make_pool(settings.database_url, max_size=2)
    try:
        result = regroup_recent(pool, days=args.days)
    finally:
        pool.close()
    print(f"{result.articles} article(s) of the last {args.days:g} day(s): {result.stories} story(ies) told by "
          f"several articles; {result.changed} article(s) changed story")  # fmt: skip
    return 0


def cmd_export_warc(args: argparse.Namespace) -> int:
    from storage.crawl_state import raw_keys_of_run
    from storage.db import connect
    from storage.rawstore import RawStore
    from storage.records import every_raw_key_of
    from storage.warc import export_warc

    settings = _require(Settings.from_env(), "S3_ENDPOINT", *(("DATABASE_URL",) if args.source or args.run else ()))
    store = RawStore.from_settings(settings)
    if args.run:
        with connect(settings.database_url) as conn:
            keys: Iterable[str] = raw_keys_of_run(conn, args.run)
    elif args.source:
        with connect(settings.database_url) as conn:
            keys = every_raw_key_of(conn, args.source)
    else:
        keys = store.iter_keys()
    with open(args.output, "wb") as out:
        written = export_warc(store, keys, out, source=args.source)
    print(f"wrote {written} page(s) to {args.output}")
    return 0


def cmd_import_warc(args: argparse.Namespace) -> int:
    from collections import Counter

    from storage.db import connect
    from storage.rawstore import RawStore
    from storage.warc import Imported, import_warc

    settings = _require(Settings.from_env(), "S3_ENDPOINT", "DATABASE_URL")
    store = RawStore.from_settings(settings)
    store.ensure_bucket()
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    with open(args.file, "rb") as stream, connect(settings.database_url) as conn:
        for item in import_warc(store, stream, source=args.source):
            if isinstance(item, Imported):
                _remember_imported(conn, item)
                counts.update(pages=1, new=item.created, new_url=item.new_url)
            else:
                _record_skipped(conn, item)
                skipped[_ERROR if item.failed else item.reason] += 1
            conn.commit()
    print(_import_summary(counts, skipped))
    return 0


def _remember_imported(conn: psycopg.Connection, page: Imported) -> None:
    """Remembered like a crawled page, so `newsarchive reprocess` (or reconcile) picks it up."""
    from datetime import datetime as dt

    from storage.crawl_state import adopt_page

    adopt_page(conn, url=page.facts.url, source=page.facts.source, raw_key=page.raw_key,
               etag=page.facts.header("ETag"), last_modified=page.facts.header("Last-Modified"),
               fetched_at=dt.fromisoformat(page.facts.fetched_at))  # fmt: skip


def _record_skipped(conn: psycopg.Connection, skipped: Skipped) -> None:
    """An error response is a fetch failure, as when a crawl gets it; a redirect or a 304 is no failure."""
    from storage.records import record_failure

    if skipped.failed:
        record_failure(conn, url=skipped.facts.url, stage="fetch", reason=skipped.reason, source=skipped.facts.source)


_ERROR = "error response(s), each a fetch failure"


def _import_summary(counts: Counter[str], skipped: Counter[str]) -> str:
    line = f"imported {counts['pages']} page(s), {counts['new']} new to the archive"
    if counts["new_url"]:
        line += f", {counts['new_url']} new URL(s) of a body archived already"
    if skipped:
        line += "; skipped " + ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
    return line + "; run `newsarchive reprocess` to make records"


def _timestamp(text: str) -> datetime:
    """An ISO date or time for --since / --until; a date or a time without offset is UTC."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def cmd_extract(args: argparse.Namespace) -> int:
    import json

    from workers.extract_files import PageInput, extract_pages, read_input_list

    try:
        rules = _extract_rules(args)
        fetched_at = datetime.fromisoformat(args.fetched_at) if args.fetched_at else None
        if fetched_at and not fetched_at.tzinfo:
            fetched_at = fetched_at.replace(tzinfo=UTC)
    except ValueError as exc:  # RulesError, SourcesError and bad --fetched-at are all ValueErrors
        print(f"newsarchive extract: {exc}", file=sys.stderr)
        return 2
    pages = [PageInput(Path(f), url=args.url, fetched_at=fetched_at) for f in args.files]
    inputs = itertools.chain(pages, read_input_list(Path(args.input_list)) if args.input_list else ())
    max_bytes = Settings.from_env().max_page_bytes
    rejected = 0
    try:
        for result in extract_pages(inputs, rules=rules, max_bytes=max_bytes):
            rejected += "error" in result
            print(json.dumps(result, ensure_ascii=False), flush=False)
    except ValueError as exc:  # a malformed --input-list line
        print(f"newsarchive extract: {exc}", file=sys.stderr)
        return 2
    return 1 if rejected else 0


def _extract_rules(args: argparse.Namespace) -> SiteRules | None:
    from workers.normalize import load_rules

    if args.rules:
        return load_rules(Path(args.rules))
    if not args.source:
        return None
    from scrapy_project.sources import load_sources
    from workers.site_rules import rules_for_source

    sources_file = args.sources_file or Settings.from_env().sources_file
    source = next((s for s in load_sources(sources_file) if s.name == args.source), None)
    if source is None:
        raise ValueError(f"unknown source {args.source!r} in {sources_file}")
    return rules_for_source(source, sources_file)


def cmd_serve_sample_site(args: argparse.Namespace) -> int:
    from deploy.sample_site.server import SampleSiteServer

    server = SampleSiteServer(host=args.host, port=args.port)
    print(f"sample site at {server.base_url}", flush=True)
    server.serve_forever()
    return 0


def _require(settings: Settings, *names: str) -> Settings:
    missing = [n for n in settings.missing_services() if n in names]
    if missing:
        sys.exit(f"newsarchive: set {', '.join(missing)} (see deploy/env.example), or use `newsarchive demo`")
    return settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsarchive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole pipeline on the sample site with local services")
    demo.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    demo.add_argument("--keep", action="store_true", help="keep the services running at the end")
    demo.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for normalization")
    demo.set_defaults(func=cmd_demo)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    worker = sub.add_parser("worker", help="start a Celery worker")
    worker.add_argument("--queues", default="normalize,default", help="normalize,default or crawl")
    worker.add_argument("--concurrency", type=int, help="processes (default WORKER_CONCURRENCY)")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("beat", help="start the Celery beat scheduler").set_defaults(func=cmd_beat)

    sources = sub.add_parser("sources", help="list the configured sources")
    sources.add_argument("--sources-file")
    sources.set_defaults(func=cmd_sources)

    crawl = sub.add_parser("crawl", help="crawl sources now, in this process")
    crawl.add_argument("source", nargs="*", default=[], help="source names (see `newsarchive sources`)")
    crawl.add_argument("--all", action="store_true", help="crawl every source")
    crawl.add_argument("--sources-file")
    crawl.add_argument("--trigger", default="cli", help="recorded in crawl_runs.trigger (cli, task, beat...)")
    crawl.add_argument(
        "--processes", type=int, default=1, help="crawler processes sharing one frontier in Redis (one source)"
    )
    crawl.add_argument("--join-run", type=int, metavar="RUN_ID", help="join a running crawl run's shared frontier")
    crawl.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)  # started by --processes
    crawl.add_argument(
        "--wait", action="store_true", help="then wait, with a progress bar, until its pages are normalized"
    )
    crawl.add_argument("--wait-timeout", type=float, default=600.0, help="seconds --wait waits at most (600)")
    crawl.set_defaults(func=cmd_crawl)

    rec = sub.add_parser("reconcile", help="queue again archived pages that have no record and no failure")
    rec.add_argument("--older-than-minutes", type=float, default=10.0, help="leave younger pages to the queue")
    rec.add_argument("--scan-archive", action="store_true", help="also adopt objects the crawler never remembered")
    rec.set_defaults(func=cmd_reconcile)

    rep = sub.add_parser(
        "reprocess", help="normalize archived pages again from the archive (no network): all, a source, a period"
    )
    rep.add_argument("--source", help="only this source")
    rep.add_argument("--since", type=_timestamp, help="pages fetched at or after (ISO date/time, UTC if no offset)")
    rep.add_argument("--until", type=_timestamp, help="pages fetched before")
    rep.add_argument("--queue", action="store_true", help="send the pages to the workers instead of doing it here")
    rep.set_defaults(func=cmd_reprocess)

    sto = sub.add_parser("stories", help="group recent articles into stories told by several outlets")
    sto.add_argument("--days", type=float, default=7.0, help="articles published in the last N days")
    sto.set_defaults(func=cmd_stories)

    exp = sub.add_parser("export-warc", help="write archived pages as a WARC 1.1 file (all, a source, or a run)")
    exp.add_argument("output", help="file to write, e.g. archive.warc.gz")
    which = exp.add_mutually_exclusive_group()
    which.add_argument("--source", help="every page ever archived for this source")
    which.add_argument("--run", type=int, help="the pages of this crawl run (see `newsarchive runs`)")
    exp.set_defaults(func=cmd_export_warc)

    imp = sub.add_parser("import-warc", help="archive the responses of a WARC file (then `reprocess`)")
    imp.add_argument("file", help="a .warc or .warc.gz file")
    imp.add_argument("--source", help="source name for records that carry none")
    imp.set_defaults(func=cmd_import_warc)

    status = sub.add_parser("status", help="queues, pages waiting, records a minute, running crawls, failures")
    status.set_defaults(func=cmd_status)

    aud = sub.add_parser("audit", help="check that the raw objects behind records and remembered pages are intact")
    aud.add_argument("--sample", type=int, help="check this many objects at random (default: all)")
    aud.set_defaults(func=cmd_audit)

    hea = sub.add_parser("health", help="parser health per source and day, and the fields that fell (alerts)")
    hea.add_argument("--source", help="only this source, and its last crawl runs")
    hea.add_argument("--days", type=int, default=7, help="the last N days (7)")
    hea.add_argument("--no-update", action="store_true", help="print only; do not first take in the latest records")
    hea.set_defaults(func=cmd_health)

    con = sub.add_parser("console", help="the read-only web console (sources' health, alerts, runs, search...)")
    con.add_argument("--host", help="address to listen on (default CONSOLE_HOST, 127.0.0.1)")
    con.add_argument("--port", type=int, help="port (default CONSOLE_PORT, 8780)")
    con.set_defaults(func=cmd_console)

    runs = sub.add_parser("runs", help="show recent crawl runs")
    runs.add_argument("--source", help="only this source")
    runs.add_argument("--limit", type=int, default=20)
    runs.set_defaults(func=cmd_runs)

    extract = sub.add_parser(
        "extract",
        help="normalize saved pages offline and print one JSON record per file",
        description="Normalize saved HTML files (plain or gzip, as raw objects are stored) with no services "
        "running; print one JSON object per file (JSON Lines), or {file, url, error} for a rejected page. "
        "Exits 1 when any page was rejected.",
    )
    extract.add_argument("files", nargs="*", metavar="FILE", help="saved pages (.html, .html.gz)")
    extract.add_argument("--url", help="the URL the page(s) came from (default: the file's own file:// URL)")
    extract.add_argument("--source", help="apply this source's site rules and time zone (see `newsarchive sources`)")
    extract.add_argument("--sources-file", help="sources file for --source (default SOURCES_FILE)")
    extract.add_argument("--rules", help="a site rules file to apply directly (to try one before deploying it)")
    extract.add_argument("--fetched-at", help="fetch time, ISO 8601 (anchors '2 часа назад'; default file mtime)")
    extract.add_argument("--input-list", help='JSON Lines of {"file": ..., "url": ...}, one page per line')
    extract.set_defaults(func=cmd_extract)

    serve = sub.add_parser("serve-sample-site", help="serve the sample news site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.set_defaults(func=cmd_serve_sample_site)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    # The demo prints its own progress; library chatter is kept to warnings unless LOG_LEVEL says otherwise.
    level = os.environ.get("LOG_LEVEL") or ("WARNING" if args.command == "demo" else "INFO")
    # The level sits on the handler: Scrapy and pgserver reset the root logger's own level.
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    try:
        status = args.func(args)
    except psycopg.OperationalError as exc:  # an operator's problem, not a bug: one line, no traceback
        print(f"newsarchive {args.command}: cannot use the database: {exc}", file=sys.stderr)
        status = 2
    sys.exit(status)


if __name__ == "__main__":
    main()
