"""End-to-end throughput: a bare Scrapy crawl of a generated N-page site next to the full pipeline
(archive to S3, announce over Redis, normalize in Celery workers, store in PostgreSQL), same run.

    python bench/e2e.py [--pages 2000] [--workers 2] [--latency-ms 0] [--set NAME=VALUE ...]

Prints pages/s and peak memory of each, the ratio, and where the full run's CPU went. It reports, it does
not judge. On loopback (the default) the crawl is bound by CPU, the worst case for the pipeline;
`--latency-ms 100` makes the site answer each article after 100 ms, as a remote server does, so the crawl
is bound by politeness (AutoThrottle) the way a production crawl is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.demo import start_worker, stop_worker, wait_for_queue  # noqa: E402
from deploy.local_services import free_port, local_services, wait_for_port  # noqa: E402
from deploy.settings import Settings  # noqa: E402
from scrapy_project.steps import STAT_PREFIX  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.migrate import apply_migrations  # noqa: E402
from workers.steps import DIR_VARIABLE  # noqa: E402


def child_crawl(base_url: str, pipeline: bool, settings: list[str]) -> None:
    """Runs in a subprocess (a Twisted reactor starts once per process); prints stats as JSON."""
    from scrapy_project.run import crawl
    from scrapy_project.sources import Source

    source = Source(
        name="bench",
        start_urls=(base_url + "/",),
        allowed_domains=("127.0.0.1",),
        article_pattern=r"/news/\d+-novost\.html$",
        extra={"allow_private_addresses": True},
    )
    overrides: dict[str, object] = {"LOG_LEVEL": "WARNING", **dict(item.split("=", 1) for item in settings)}
    if not pipeline:  # bare: no pipelines, no crawl state (the middleware and run extension need DATABASE_URL)
        overrides.update({"ITEM_PIPELINES": {}, "DATABASE_URL": ""})
    started, cpu_started = time.perf_counter(), time.process_time()
    stats = crawl(Settings.from_env(), [source], overrides=overrides)["bench"]
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu_started,
                "responses": stats.get("response_received_count", 0),
                "items": stats.get("item_scraped_count", 0),
                "peak_rss": stats.get("memusage/max", 0),
                "steps": {k.removeprefix(STAT_PREFIX): v for k, v in stats.items() if k.startswith(STAT_PREFIX)},
            }
        )
    )


ROLES = (  # a process's role, by what its command line contains (first match)
    ("--child", "crawler"),
    ("weed -logtostderr server", "S3 server (SeaweedFS)"),
    ("deploy.s3_server", "S3 server (moto)"),
    ("moto.server", "S3 server (moto)"),
    ("postgres", "PostgreSQL"),
    ("redis-server", "Redis"),
    ("celery", "Celery workers"),
    ("deploy.sample_site", "site server"),
)


class CpuByRole(threading.Thread):
    """CPU seconds (user + system) each role's processes use between start() and stop(), sampled every
    0.2 s; a process that ends between two samples loses at most its last 0.2 s. Says where a page's CPU
    goes when every service shares the machine. Only this run's processes count: the children of this
    benchmark (site, crawler, worker, Redis, S3 server) and the PostgreSQL server whose data folder is
    named in `database_url`; on a shared machine, another run's servers and workers would look the same."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.since: dict[int, float] = {}  # pid -> CPU seconds when first seen in the window
        self.last: dict[int, tuple[str, float]] = {}
        self.done = threading.Event()
        self.roots = [psutil.Process(), *postgres_servers(database_url)]

    def _processes(self) -> list[psutil.Process]:
        procs: list[psutil.Process] = []
        for root in self.roots:
            try:
                procs += [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
        return procs

    def _sample(self, first: bool) -> None:
        for proc in self._processes():
            try:
                cmd = " ".join(proc.cmdline())
                times = proc.cpu_times()
            except psutil.Error:
                continue
            role = next((name for marker, name in ROLES if marker in cmd), None)
            if role is None:
                continue
            used = times.user + times.system
            self.since.setdefault(proc.pid, used if first else 0.0)
            self.last[proc.pid] = (role, used)

    def run(self) -> None:
        self._sample(first=True)
        while not self.done.wait(0.2):
            self._sample(first=False)

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.join()
        self._sample(first=False)
        totals: dict[str, float] = {}
        for pid, (role, used) in self.last.items():
            totals[role] = totals.get(role, 0.0) + used - self.since[pid]
        return totals


def postgres_servers(database_url: str) -> list[psutil.Process]:
    """The postmaster of a local server reached through a socket folder (pgserver's `?host=<data folder>`):
    the process whose command line names that folder. None for a server elsewhere."""
    folder = parse_qs(urlsplit(database_url).query).get("host", [""])[0]
    if not folder.startswith("/"):
        return []
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if cmd and cmd[0].endswith("postgres") and folder in cmd:
            found.append(proc)
    return found


class PeakRss(threading.Thread):
    """Samples the summed RSS of a process tree (the worker pool) every 0.2 s until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass


def run_crawl(settings: Settings, base_url: str, pipeline: bool, scrapy_settings: list[str]) -> dict[str, float]:
    env = {**os.environ, **settings.to_env(), "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, __file__, "--child", base_url, *(["--pipeline"] if pipeline else [])]
    cmd += [f"--set={item}" for item in scrapy_settings]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="the site's delay before each article")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for both crawls, e.g. CONCURRENT_ITEMS=100")  # fmt: skip
    parser.add_argument("--child")
    parser.add_argument("--pipeline", action="store_true")
    args = parser.parse_args()
    if args.child:
        child_crawl(args.child, args.pipeline, args.set)
        return

    port = free_port()
    site_cmd = [sys.executable, "-m", "deploy.sample_site.generated", "--articles", str(args.pages),
                "--port", str(port), "--no-log", "--latency-ms", str(args.latency_ms)]  # fmt: skip
    site = subprocess.Popen(site_cmd, cwd=ROOT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, site, "generated site")
        with local_services(Settings.from_env()) as settings:
            apply_migrations(settings.database_url)
            bare = run_crawl(settings, base_url, pipeline=False, scrapy_settings=args.set)

            steps_dir = tempfile.mkdtemp(prefix="bench-steps-")
            os.environ[DIR_VARIABLE] = steps_dir  # each pool process leaves its step totals there on exit
            worker = start_worker(settings, Path(tempfile.gettempdir()) / "bench-worker.log", args.workers)
            peak = PeakRss(worker.pid)
            peak.start()
            cpu = CpuByRole(settings.database_url)
            try:
                time.sleep(2)  # let the pool start, as it would be in production
                cpu.start()
                started = time.perf_counter()
                full = run_crawl(settings, base_url, pipeline=True, scrapy_settings=args.set)
                wait_for_queue(settings, worker, report=lambda depth: None, timeout=1800)
                total = time.perf_counter() - started
            finally:
                cpu_seconds = cpu.stop()
                peak.done.set()
                peak.join()
                stop_worker(worker)
            with connect(settings.database_url) as conn:
                stored = conn.execute("SELECT count(*) AS n FROM articles").fetchone()["n"]  # type: ignore[index]
    finally:
        site.terminate()
        site.wait()

    worker_steps = read_worker_steps(Path(steps_dir))
    bare_rate = bare["items"] / bare["seconds"]
    full_rate = stored / total
    mib = 1024 * 1024
    print(f"site: {args.pages} article pages (+ listings), answered after {args.latency_ms:.0f} ms,"
          f" workers: {args.workers}, cores: {os.cpu_count()}")  # fmt: skip
    print(f"bare scrapy crawl : {bare['items']} article pages in {bare['seconds']:.1f} s = {bare_rate:.0f} pages/s,"
          f" crawler peak RSS {bare['peak_rss'] / mib:.0f} MiB")  # fmt: skip
    crawl_rate = full["items"] / full["seconds"]
    print(f"crawl alone (pipeline on): {full['items']} pages archived+announced in {full['seconds']:.1f} s"
          f" = {crawl_rate:.0f} pages/s, crawler peak RSS {full['peak_rss'] / mib:.0f} MiB")  # fmt: skip
    print(f"full pipeline     : {stored} records stored in {total:.1f} s = {full_rate:.0f} pages/s end to end,"
          f" workers peak RSS {peak.peak / mib:.0f} MiB")  # fmt: skip
    print(f"ratio full/bare   : {full_rate / bare_rate:.2f}")
    print(f"CPU of the full pipeline run, per stored page (bare crawl: {1000 * bare['cpu'] / bare['items']:.1f} ms):")
    for role, seconds in sorted(cpu_seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {role:18s} {1000 * seconds / max(stored, 1):5.1f} ms")
    print(
        f"  {'all':18s} {1000 * sum(cpu_seconds.values()) / max(stored, 1):5.1f} ms"
        f" (the machine has {os.cpu_count()} cores: {total * (os.cpu_count() or 1):.0f} CPU-s in {total:.1f} s)"
    )
    print_steps("crawler", full["steps"], cpu_seconds.get("crawler", 0.0), stored, "fetch, parse, Scrapy, threads")
    print_steps("Celery workers", worker_steps, cpu_seconds.get("Celery workers", 0.0), stored, "Celery, kombu")


def read_worker_steps(folder: Path) -> dict[str, float]:
    """The step totals the worker's pool processes wrote when they exited (workers/steps.py), summed."""
    totals: dict[str, float] = {}
    for file in folder.glob("worker-*.json"):
        for step, seconds in json.loads(file.read_text()).items():
            totals[step] = totals.get(step, 0.0) + seconds
    return totals


def print_steps(role: str, steps: dict[str, float], role_seconds: float, stored: int, rest: str) -> None:
    """A process's CPU per stored page by step (the thread's CPU inside each step), and what is left."""
    per_page = {step: 1000 * seconds / max(stored, 1) for step, seconds in steps.items()}
    left = 1000 * role_seconds / max(stored, 1) - sum(per_page.values())
    parts = [f"{step} {ms:.1f}" for step, ms in sorted(per_page.items(), key=lambda kv: -kv[1])]
    print(f"  inside {role}: {', '.join(parts)}, rest ({rest}) {left:.1f} ms")


if __name__ == "__main__":
    main()
