"""Helpers shared by tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from deploy.sample_site.generated import PortalServer
from deploy.settings import Settings
from scrapy_project.sources import Source
from storage.db import connect

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


def count(settings: Settings, sql: str) -> int:
    """The `n` of a `SELECT count(*) AS n ...` query."""
    with connect(settings.database_url) as conn:
        return int(conn.execute(sql).fetchone()["n"])  # type: ignore[index]


@contextmanager
def serving_portal(articles: int) -> Iterator[PortalServer]:
    """The generated portal (deploy/sample_site/generated.py) in a thread of this process."""
    server = PortalServer(articles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
