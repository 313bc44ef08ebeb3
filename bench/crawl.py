"""Crawler throughput and memory on generated portals of growing size (default 1k, 10k, 50k articles).

    python bench/crawl.py [--sizes 1000,10000,50000] [--modes memory,redis]

Each crawl discovers the site the way a real one is found (robots.txt -> sitemap index -> gzipped
sitemaps, news sitemap, RSS, Atom, paginated listings), canonicalizes every URL and looks each article
up in the crawl state in PostgreSQL (the incremental middleware), with the item pipelines off: it
measures the crawler, not the archive. Two frontiers:

- memory: Scrapy's own scheduler and duplicate filter, inside the crawler process;
- redis: the shared frontier of `crawl --processes N` (scrapy-redis), here with one process.

Prints pages/s, the crawler process's peak RSS (sampled every 0.2 s) and, for the redis frontier,
Redis's peak memory (the frontier itself). Then, on the trap site of tests/crawl (an endless calendar,
endless pagination, session ids, query variants, repeating path segments), how many requests a crawl with
default settings spends per article it stores. It reports, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import redis as redis_lib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.e2e import PeakRss  # noqa: E402
from deploy.local_services import free_port, local_services, wait_for_port  # noqa: E402
from deploy.settings import Settings  # noqa: E402
from scrapy_project.sources import Source  # noqa: E402
from storage.crawl_state import start_run  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.migrate import apply_migrations  # noqa: E402
from storage.records import ensure_source  # noqa: E402


def child_crawl(base_url: str, run_id: int) -> None:
    """Runs in a subprocess (a Twisted reactor starts once per process); prints stats as JSON."""
    from scrapy_project.frontier import frontier_settings
    from scrapy_project.run import crawl

    source = Source(
        name="bench-crawl",
        start_urls=(base_url + "/",),
        allowed_domains=("127.0.0.1",),
        extra={"concurrency": 32, "allow_private_addresses": True},
    )
    overrides: dict[str, object] = {"LOG_LEVEL": "WARNING", "ITEM_PIPELINES": {}}
    if run_id:
        overrides.update(frontier_settings(run_id, idle_seconds=1.0))
        overrides.update({"NEWSARCHIVE_RUN_ID": run_id, "NEWSARCHIVE_RUN_COUNTED": True})
    started = time.perf_counter()
    stats = crawl(Settings.from_env(), [source], overrides=overrides)["bench-crawl"]
    print(json.dumps({"seconds": time.perf_counter() - started, "items": stats.get("item_scraped_count", 0),
                      "responses": stats.get("response_received_count", 0)}))  # fmt: skip


def run_one(settings: Settings, size: int, mode: str) -> dict[str, float]:
    port = free_port()
    site = subprocess.Popen(
        [sys.executable, "-m", "deploy.sample_site.generated", "--articles", str(size), "--port", str(port),
         "--no-log"],
        cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    redis = redis_lib.Redis.from_url(settings.redis_url)
    try:
        wait_for_port(port, site, "portal")  # type: ignore[arg-type]
        with connect(settings.database_url) as conn:
            conn.execute("TRUNCATE crawl_pages")
            ensure_source(conn, "bench-crawl")
            run_id = start_run(conn, "bench-crawl", "bench") if mode == "redis" else 0
        redis.config_resetstat()
        base_memory = int(redis.info("memory")["used_memory"])
        env = {**os.environ, **settings.to_env(), "LOG_LEVEL": "WARNING"}
        cmd = [sys.executable, __file__, "--child", f"http://127.0.0.1:{port}", "--run-id", str(run_id)]
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        peak = PeakRss(child.pid)
        peak.start()
        redis_peak = base_memory
        while child.poll() is None:
            redis_peak = max(redis_peak, int(redis.info("memory")["used_memory"]))
            time.sleep(0.2)
        peak.done.set()
        peak.join()
        out = child.stdout.read() if child.stdout else ""
        if child.returncode:
            raise RuntimeError(f"crawl child exited {child.returncode}")
        result = json.loads(out.strip().splitlines()[-1])
        result.update({"peak_rss": peak.peak, "frontier_bytes": redis_peak - base_memory if mode == "redis" else 0})
        return result
    finally:
        site.terminate()
        site.wait()
        redis.close()


def trap_site_figures() -> None:
    """Requests per stored article on a site full of traps (default settings, pipelines off)."""
    import tempfile

    from tests.crawl.trap_site import ARTICLE_PATTERN, ARTICLES, serving_trap_site
    from tests.helpers import crawl_in_child, local_source, write_sources

    with tempfile.TemporaryDirectory() as scratch, serving_trap_site() as site:
        sources_file = Path(scratch) / "sources.toml"
        write_sources(sources_file, [local_source(site.base_url, name="traps", article_pattern=ARTICLE_PATTERN)])
        started = time.monotonic()
        stats = crawl_in_child(sources_file, {"ITEM_PIPELINES": {}, "DATABASE_URL": ""})["traps"]
        seconds = time.monotonic() - started
    stored = int(stats.get("item_scraped_count", 0))
    kinds = ", ".join(
        f"{k.rsplit('/', 1)[-1]} {v}" for k, v in sorted(stats.items()) if k.startswith("newsarchive/trap/")
    )
    print(f"\ntrap site ({ARTICLES} articles): {len(site.log)} requests, {stored} articles stored,"
          f" {len(site.log) / max(1, stored):.2f} requests per stored article, ended by itself in {seconds:.1f} s"
          f" ({stats.get('finish_reason')}); trap links not followed: {kinds}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--modes", default="memory,redis")
    parser.add_argument("--traps-only", action="store_true", help="only the trap-site figure")
    parser.add_argument("--child")
    parser.add_argument("--run-id", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        child_crawl(args.child, args.run_id)
        return

    if args.traps_only:
        trap_site_figures()
        return
    mib = 1024 * 1024
    with local_services(Settings.from_env()) as settings:
        apply_migrations(settings.database_url)
        print(f"cores: {os.cpu_count()}; pipelines off; articles answer at once (loopback)")
        print(f"{'frontier':<8} {'articles':>8} {'responses':>9} {'seconds':>8} {'pages/s':>8} {'crawler peak RSS':>17}"
              f" {'frontier in Redis':>18}")  # fmt: skip
        for mode in args.modes.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                r = run_one(settings, size, mode)
                frontier = f"{r['frontier_bytes'] / mib:.1f} MiB" if mode == "redis" else "-"
                print(f"{mode:<8} {r['items']:>8} {r['responses']:>9} {r['seconds']:>8.1f}"
                      f" {r['responses'] / r['seconds']:>8.0f} {r['peak_rss'] / mib:>13.0f} MiB {frontier:>18}",
                      flush=True)  # fmt: skip
    trap_site_figures()


if __name__ == "__main__":
    main()
