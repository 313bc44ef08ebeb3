"""Helpers shared by tests."""

from __future__ import annotations

import base64
import json
import os
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from psycopg_pool import ConnectionPool

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from deploy.sample_site.generated import PortalServer
from deploy.sample_site.redesign import redesign
from deploy.sample_site.sites import SITES
from deploy.settings import Settings
from scrapy_project.sources import Source
from storage.crawl_state import finish_run_part, start_run
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from workers.process import normalize_archived
from workers.site_rules import load_site_rules

ROOT = Path(__file__).resolve().parents[1]


def local_source(base_url: str, name: str = "portal", article_pattern: str = "", **extra: object) -> Source:
    """A source for a site served on loopback in a test (which the address guard refuses otherwise)."""
    return Source(
        name=name,
        start_urls=(base_url + "/",),
        allowed_domains=("127.0.0.1",),
        article_pattern=article_pattern,
        extra={"allow_private_addresses": True, **extra},
    )


def write_sources(path: Path, sources: list[Source]) -> None:
    # JSON strings, numbers, booleans and lists of them are valid TOML values.
    blocks = [
        "[[source]]\n"
        f"name = {json.dumps(s.name)}\n"
        f"start_urls = {json.dumps(list(s.start_urls))}\n"
        f"allowed_domains = {json.dumps(list(s.allowed_domains))}\n"
        f"article_pattern = {json.dumps(s.article_pattern)}\n"
        f"follow_pattern = {json.dumps(s.follow_pattern)}\n"
        + "".join(f"{key} = {json.dumps(value)}\n" for key, value in s.extra.items())
        for s in sources
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


_CRAWL_CHILD = """
import json, sys
from deploy.settings import Settings
from scrapy_project.run import crawl
from scrapy_project.sources import load_sources
sources = load_sources(sys.argv[1])
stats = crawl(Settings.from_env(), sources, overrides=json.loads(sys.argv[2]))
print(json.dumps({k: {n: v for n, v in s.items() if isinstance(v, (int, float, str))} for k, s in stats.items()}))
"""


def crawl_in_child(
    sources_file: Path, overrides: dict[str, Any] | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> dict[str, dict[str, Any]]:
    """Crawl in a child process (Scrapy's reactor starts once per process); return each source's stats."""
    result = subprocess.run(
        [sys.executable, "-c", _CRAWL_CHILD, str(sources_file), json.dumps(overrides or {})],
        env={**os.environ, "LOG_LEVEL": "WARNING", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def store_sample_articles(store: RawStore, pool: ConnectionPool, base_url: str = "http://127.0.0.1:8765") -> int:
    """Every article page of the sample site archived and normalized as the worker does it (site rules of
    deploy/sources.toml), without a crawl or a broker; returns how many were stored as records."""
    rules = load_site_rules(Settings().sources_file)
    fetched_at = datetime.now(UTC).isoformat()
    stored = 0
    for site in SITES:
        source = f"sample-{site.name}"
        ctype = f"text/html; charset={site.header_charset}"
        for article in load_site(site.name):
            url = base_url + article_url(article)
            facts = FetchFacts(url, url, 200, fetched_at, {"Content-Type": [ctype]}, source)
            key = store.put(file_for(article_url(article)).read_bytes(), facts).key
            outcome = normalize_archived(store, pool, raw_key=key, url=url, fetched_at=fetched_at, source=source,
                                         content_type=ctype, rules=rules.get(source))  # fmt: skip
            stored += outcome.status == "stored"
    return stored


def refetch_metro(
    store: RawStore,
    pool: ConnectionPool,
    *,
    redesigned: bool,
    only: int | None = None,
    base_url: str = "http://127.0.0.1:8765",
) -> int:
    """The Metro Tribune articles (all, or the first `only`) fetched again by one crawl run, in the outlet's new
    template (deploy/sample_site/redesign.py) or its old one, and normalized; returns the records written."""
    with connect(pool.conninfo) as conn:
        run = start_run(conn, "sample-metro", "cli")
    fetched_at = datetime.now(UTC).isoformat()
    written = 0
    for article in load_site("metro")[:only]:
        url = base_url + article_url(article)
        html = file_for(article_url(article)).read_text(encoding="utf-8")
        body = (redesign("metro", html) if redesigned else html).encode()
        facts = FetchFacts(url, url, 200, fetched_at, {"Content-Type": ["text/html; charset=utf-8"]}, "sample-metro")
        key = store.put(body, facts).key
        outcome = normalize_archived(store, pool, raw_key=key, url=url, fetched_at=fetched_at, source="sample-metro",
                                     content_type="text/html; charset=utf-8")  # fmt: skip
        written += outcome.status == "stored"
    with connect(pool.conninfo) as conn:
        finish_run_part(conn, run, {"pages_changed": written}, "finished")
    return written


def run_cli(
    settings: Settings, *args: str, status: int = 0, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`newsarchive ARGS` in a child process with these settings (LOG_LEVEL WARNING unless `env` says
    otherwise); asserts its exit status."""
    result = subprocess.run(
        [sys.executable, "-m", "deploy.cli", *args],
        env={**os.environ, **settings.to_env(), "LOG_LEVEL": "WARNING", **(env or {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == status, result.stderr[-3000:]
    return result


def count(settings: Settings, sql: str) -> int:
    """The `n` of a `SELECT count(*) AS n ...` query."""
    with connect(settings.database_url) as conn:
        return int(conn.execute(sql).fetchone()["n"])  # type: ignore[index]


@contextmanager
def serving_portal(articles: int) -> Iterator[PortalServer]:
    """The generated portal (deploy/sample_site/generated.py) in a thread of this process."""
    with serving(PortalServer(articles)) as server:
        yield server


Server = TypeVar("Server", bound=socketserver.BaseServer)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """A test's HTTP server in a thread of this process, shut down and closed after."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def queued_pages(client: Any, queue: str = "normalize") -> list[str]:
    """The raw keys of the pages waiting in a Celery queue on Redis, a task of several pages
    (newsarchive.normalize_pages) counting each of its pages."""
    keys = []
    for message in client.lrange(queue, 0, -1):
        envelope = json.loads(message)
        _, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
        keys += [page["raw_key"] for page in kwargs["pages"]] if "pages" in kwargs else [kwargs["raw_key"]]
    return keys
