"""`newsarchive demo`: the whole pipeline on this machine, crawl -> archive -> queue -> normalize -> store.

Services left unset in the environment are started locally (deploy.local_services); the sample site
is served on loopback; a Celery worker runs as a child process; Scrapy crawls in this process.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis as redis_lib

from deploy.local_services import local_services
from deploy.sample_site.server import SampleSiteServer
from deploy.sample_site.sites import sample_sources
from deploy.settings import Settings, redact_url
from storage.db import connect
from storage.migrate import apply_migrations
from storage.records import ensure_source

LOOK_QUERY = (
    "SELECT s.name AS source, a.published_at AS published, left(a.title, 50) AS title, a.views, a.rubric,"
    " a.photo_credits AS credits FROM articles a JOIN sources s ON s.id = a.source_id"
    " ORDER BY a.published_at DESC NULLS LAST LIMIT 10;"
)


@dataclass
class Summary:
    pages_fetched: int = 0
    article_pages: int = 0
    archived: int = 0
    normalized: int = 0
    failed: int = 0
    seconds: float = 0.0


def start_worker(settings: Settings, log_path: Path, concurrency: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker",
        "-Q", "normalize,default", "-c", str(concurrency), "--loglevel", "WARNING", "--without-gossip",
        "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    env = {**os.environ, **settings.to_env()}
    with open(log_path, "ab") as log_file:
        return subprocess.Popen(cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()  # warm shutdown: finishes the tasks it holds
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def queue_depth(client: redis_lib.Redis) -> int:
    """Tasks waiting in the normalize queue plus those delivered but not yet acknowledged."""
    return int(client.llen("normalize")) + int(client.hlen("unacked"))


def wait_for_queue(
    settings: Settings, worker: subprocess.Popen[bytes], report: Callable[[int], None], timeout: float
) -> None:
    client = redis_lib.Redis.from_url(settings.redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with code {worker.returncode}")
        depth = queue_depth(client)
        report(depth)
        if depth == 0:
            return
        time.sleep(0.5)
    raise TimeoutError(f"tasks still queued after {timeout:.0f} s")


def count_since(settings: Settings, since: datetime) -> tuple[int, int]:
    with connect(settings.database_url) as conn:
        normalized = conn.execute("SELECT count(*) AS n FROM articles WHERE normalized_at >= %s", (since,)).fetchone()
        failed = conn.execute("SELECT count(*) AS n FROM failures WHERE created_at >= %s", (since,)).fetchone()
    return int(normalized["n"]), int(failed["n"])  # type: ignore[index]


def print_records(settings: Settings) -> None:
    with connect(settings.database_url) as conn:
        rows = conn.execute(LOOK_QUERY).fetchall()
    for row in rows:
        published = row["published"].isoformat(timespec="minutes") if row["published"] else "-"
        views = "-" if row["views"] is None else str(row["views"])
        credits = ", ".join(row["credits"]) or "-"
        print(
            f"  {row['source']:<16} {published:<25} {row['title']:<50} {views:>6}  {row['rubric'] or '-':<14} {credits}"
        )


def run_demo(workers: int = 2, keep: bool = False, timeout: float = 300.0) -> Summary:
    # The crawl runs in this process; its stats are read when it ends.
    from scrapy_project.run import crawl

    summary = Summary()
    started = time.monotonic()
    since = datetime.now(UTC)
    with local_services(Settings.from_env()) as settings, SampleSiteServer() as site:
        print(f"services: postgres={'env' if os.environ.get('DATABASE_URL') else 'local'}"
              f" redis={redact_url(settings.redis_url)} s3={settings.s3_endpoint}")  # fmt: skip
        applied = apply_migrations(settings.database_url)
        print(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
        sources = sample_sources(site.base_url)
        with connect(settings.database_url) as conn:
            for source in sources:
                ensure_source(conn, source.name, source.as_config())
        print(f"sample site at {site.base_url}: {len(sources)} outlets")

        log_path = Path(tempfile.gettempdir()) / "newsarchive-demo-worker.log"
        env_path = Path(tempfile.gettempdir()) / f"newsarchive-demo-{os.getpid()}.env"
        worker = start_worker(settings, log_path, workers)
        stack = contextlib.ExitStack()
        try:
            stats = crawl(
                settings,
                sources,
                # Progress is printed by the demo; the CLI's handler shows warnings and errors.
                overrides={"LOG_LEVEL": "WARNING", "LOG_INSTALL_ROOT_HANDLER": False, "NEWSARCHIVE_TRIGGER": "demo"},
                on_start=lambda crawlers: _progress_every_second(crawlers),
            )
            # Scrapy leaves its own SIGINT/SIGTERM handlers installed after the crawl: Ctrl-C would do
            # nothing. From here on a signal unwinds the demo, and every service it started goes with it.
            _interrupt_on_signals()
            summary.pages_fetched = _total(stats, "response_received_count")
            summary.article_pages = _total(stats, "item_scraped_count") + _total(stats, "item_dropped_count")
            summary.archived = _total(stats, "newsarchive/archived") + _total(stats, "newsarchive/already_archived")
            print(f"crawl done: {summary.pages_fetched} pages fetched, {summary.archived} archived; normalizing…")

            def report(depth: int) -> None:
                normalized, failed = count_since(settings, since)
                print(f"  normalized {normalized}, failed {failed}, queued {depth}", flush=True)

            wait_for_queue(settings, worker, report, timeout)
            _parser_health(settings)
            normalized, failed = count_since(settings, since)
            summary.normalized = normalized
            summary.failed = failed + _total(stats, "newsarchive/archive_failed")
            summary.seconds = time.monotonic() - started
            _print_summary(settings, summary, log_path)
            if keep:
                settings = _with_console_login(settings)
                console = stack.enter_context(console_process(settings, log_path))
                _write_env_file(env_path, settings)
                print(
                    f"\nservices and a worker kept running. In another shell:\n  set -a; . {env_path}; set +a"
                    f"\n  newsarchive status\nconsole (read-only): {console}"
                    "\nCtrl-C (or SIGTERM) stops them and deletes their data.",
                    flush=True,
                )
                _sleep_forever()
        finally:
            stack.close()
            stop_worker(worker)
            env_path.unlink(missing_ok=True)
    return summary


def _parser_health(settings: Settings) -> None:
    """What beat does every 5 minutes, once: the console and `newsarchive health` have figures to show."""
    from storage.db import make_pool
    from workers.health import Thresholds, run_turn

    pool = make_pool(settings.database_url, max_size=1)
    try:
        run_turn(pool, Thresholds.from_settings(settings))
    finally:
        pool.close()


def _with_console_login(settings: Settings) -> Settings:
    """A login of the read-only role for the console, with a fresh password; without the right to make one
    (a database of your own in DATABASE_URL), the console narrows DATABASE_URL with SET ROLE instead."""
    import psycopg

    from storage.reader_login import ensure_reader_login, reader_url

    url = reader_url(settings.database_url, "newsarchive_console", secrets.token_hex(12))
    try:
        with connect(settings.database_url, autocommit=True) as conn:
            ensure_reader_login(conn, url)
    except psycopg.Error as exc:
        print(f"console: no login of its own ({exc.__class__.__name__}); it uses SET ROLE newsarchive_reader")
        return settings
    return replace(settings, console_database_url=url)


@contextlib.contextmanager
def console_process(settings: Settings, log_path: Path) -> Iterator[str]:
    """`newsarchive console` on a free loopback port as a child process; yields its URL."""
    from deploy.local_services import free_port, server_process

    port = free_port()
    env = {**os.environ, **settings.to_env(), "CONSOLE_HOST": "127.0.0.1", "CONSOLE_PORT": str(port)}
    cmd = [sys.executable, "-m", "deploy.cli", "console"]
    with open(log_path, "ab") as log_file, server_process(cmd, port, "console", env=env, output=log_file):
        yield f"http://127.0.0.1:{port}/"


def _print_summary(settings: Settings, summary: Summary, log_path: Path) -> None:
    print()
    print("Summary")
    print(f"  pages fetched   {summary.pages_fetched}")
    print(f"  article pages   {summary.article_pages}")
    print(f"  archived        {summary.archived}   (s3://{settings.s3_bucket}/raw/…)")
    print(f"  normalized      {summary.normalized}")
    print(f"  failed          {summary.failed}")
    print(f"  took            {summary.seconds:.1f} s")
    print()
    print("Look at the records:")
    print(f'  psql "$DATABASE_URL" -c "{LOOK_QUERY}"')
    print_records(settings)
    if summary.failed:
        print(f"failures: SELECT url, stage, reason FROM failures;  worker log: {log_path}")


def _write_env_file(path: Path, settings: Settings) -> None:
    """Every setting of the running instance, S3 keys included, for `. FILE` in another shell; readable by
    this user only (it holds the secrets), deleted when the demo stops."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for name, value in settings.to_env().items():
            out.write(f"{name}={shlex.quote(value)}\n")


def _interrupt_on_signals() -> None:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def _total(stats: dict[str, dict[str, Any]], key: str) -> int:
    return sum(int(s.get(key, 0)) for s in stats.values())


def _progress_every_second(crawlers: list[Any]) -> None:
    from twisted.internet import task

    def tick() -> None:
        fetched = archived = 0
        for crawler in crawlers:
            if crawler.stats:
                fetched += int(crawler.stats.get_value("response_received_count", 0))
                archived += int(crawler.stats.get_value("newsarchive/archived", 0))
        print(f"  crawling: {fetched} pages fetched, {archived} archived", flush=True)

    loop = task.LoopingCall(tick)
    loop.start(1.0, now=False)


def _sleep_forever() -> None:
    while True:  # until a signal raises KeyboardInterrupt, which stops everything the demo started
        time.sleep(3600)
