"""The hostile corpus served over HTTP and crawled, plus what only HTTP can do (gzip bombs and broken
gzip in Content-Encoding, a body shorter than its Content-Length): every page ends as a failures row
(stage fetch when it could not be downloaded, normalize otherwise) with its reason, the raw bytes of
every downloaded page are archived as served, no article is made, and the worker lives on."""

from __future__ import annotations

import contextlib
import gzip
import os
import random
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import RawStore
from tests.faults.hostile_pages import CAP, hostile_pages
from tests.helpers import crawl_in_child, local_source, write_sources

pytestmark = pytest.mark.integration


def _http_only() -> list[tuple[str, bytes, str, dict[str, str]]]:
    """(name, bytes on the wire, content type, extra headers)."""
    rng = random.Random(3)  # varied words: a body that gzip does not shrink to a few bytes
    words = " ".join(rng.choice(["дорога", "мост", "область", "ремонт", "власти", "движение"]) for _ in range(3000))
    article = f"<html><body><article><h1>Ремонт</h1><p>{words}</p></article></body></html>".encode()
    gz = {"Content-Encoding": "gzip"}
    return [
        ("http-gzip-bomb", gzip.compress(b"<html><body>" + b" " * (40 * CAP)), "text/html", gz),
        ("http-gzip-truncated", gzip.compress(article)[: len(gzip.compress(article)) // 2], "text/html", gz),
        ("http-gzip-garbage", b"\x1f\x8b\x08\x00not gzip at all" * 20, "text/html", gz),
        ("http-short-body", article[:300], "text/html", {"Content-Length": str(len(article))}),
    ]


class _HostileSite(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, tuple[bytes, str, dict[str, str]]] = {
            f"/hostile/{name}.html": (body, ctype, {}) for name, body, ctype in hostile_pages()
        }
        self.pages.update({f"/hostile/{name}.html": (body, ctype, h) for name, body, ctype, h in _http_only()})

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _HostileSite

    def do_GET(self) -> None:
        if self.path == "/":
            links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in self.server.pages)
            self._send(f"<html><body><ul>{links}</ul></body></html>".encode(), "text/html; charset=utf-8", {})
        elif self.path in self.server.pages:
            self._send(*self.server.pages[self.path])
        else:
            self.send_error(404)

    def _send(self, body: bytes, ctype: str, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        headers = {"Content-Length": str(len(body)), **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the crawler hung up (size cap)
            self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hostile_site() -> Iterator[_HostileSite]:
    server = _HostileSite()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_crawled_hostile_pages_are_failure_rows(
    settings: Settings, raw_store: RawStore, hostile_site: _HostileSite, tmp_path: Path
) -> None:
    settings = replace(settings, max_page_bytes=CAP)
    sources_file = tmp_path / "sources.toml"
    write_sources(sources_file, [local_source(hostile_site.base_url, name="hostile", article_pattern="/hostile/")])
    stats = crawl_in_child(sources_file, env={**settings.to_env(), "SOURCES_FILE": str(sources_file)})["hostile"]
    worker = start_worker(settings, tmp_path / "worker.log", concurrency=2)
    try:
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=240)
        assert worker.poll() is None, "the worker died"
    finally:
        stop_worker(worker)

    with connect(settings.database_url) as conn:
        failures = {r["url"]: r for r in conn.execute("SELECT url, stage, reason, raw_key FROM failures")}
        articles = conn.execute("SELECT url FROM articles").fetchall()
    expected = {hostile_site.base_url + path for path in hostile_site.pages}
    archived, fetch_failed = stats.get("newsarchive/archived"), stats.get("newsarchive/fetch_failed")
    print(
        f"{len(expected)} hostile URLs: {len(failures)} failure rows; {archived} archived, {fetch_failed} not fetched"
    )
    for url, row in sorted(failures.items(), key=lambda item: (item[1]["stage"], item[0])):
        print(f"  {row['stage']:<9} {url.rsplit('/', 1)[-1]:<36} {row['reason'][:80]}")
    assert articles == []
    assert sorted(failures) == sorted(expected)
    for url, row in failures.items():
        assert row["reason"].strip(), url
        if row["stage"] != "fetch":  # downloaded: archived exactly as served, undecoded if broken
            body, _, headers = hostile_site.pages[url.removeprefix(hostile_site.base_url)]
            assert raw_store.get(row["raw_key"]) == body, url
            assert raw_store.get_facts(row["raw_key"]).header("Content-Encoding") == headers.get("Content-Encoding")
    assert os.path.exists(tmp_path / "worker.log")
