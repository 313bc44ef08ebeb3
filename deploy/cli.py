"""The `newsarchive` command: the entry point of every process, here and in docker-compose.yml."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from deploy.settings import Settings


def cmd_demo(args: argparse.Namespace) -> int:
    from deploy.demo import run_demo

    summary = run_demo(workers=args.workers, keep=args.keep, timeout=args.timeout)
    return 0 if summary.failed == 0 and summary.normalized == summary.article_pages else 1


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.migrate import apply_migrations

    settings = _require(Settings.from_env(), "DATABASE_URL")
    applied = apply_migrations(settings.database_url)
    print(f"applied: {', '.join(applied)}" if applied else "schema up to date")
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
    from scrapy_project.run import crawl
    from scrapy_project.sources import load_sources
    from storage.db import connect
    from storage.records import ensure_source

    settings = _require(Settings.from_env(), "DATABASE_URL", "REDIS_URL", "S3_ENDPOINT")
    sources = load_sources(args.sources_file or settings.sources_file)
    chosen = sources if args.all else [s for s in sources if s.name in args.source]
    unknown = set(args.source) - {s.name for s in sources}
    if unknown or not chosen:
        print(f"unknown source(s): {sorted(unknown) or args.source}; see `newsarchive sources`", file=sys.stderr)
        return 2
    with connect(settings.database_url) as conn:
        for source in chosen:
            ensure_source(conn, source.name, source.as_config())
    stats = crawl(settings, chosen)
    for name, s in stats.items():
        print(
            f"{name}: {s.get('response_received_count', 0)} pages fetched, "
            f"{s.get('newsarchive/archived', 0)} archived, {s.get('newsarchive/announced', 0)} announced, "
            f"{s.get('newsarchive/archive_failed', 0)} failed to archive"
        )
    return 0


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
    crawl.set_defaults(func=cmd_crawl)

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
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
