"""WARCs written by other tools, made here against a local server: warcio's capture_http (requests) and
`wget --warc-file`. They record the payload as it came over the wire (chunk markers, gzip, br). Imported
and re-processed, every page gives the same record as when the crawler fetched it directly; a body served
by a second URL gives a second record marked as a copy of the first; a 404 is the same fetch failure;
importing twice changes nothing; and the re-exported WARC carries no chunk marker."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.capture_http import capture_http

from deploy.demo import start_worker, stop_worker, wait_for_queue
from deploy.settings import Settings
from storage.db import connect
from storage.migrate import apply_migrations
from storage.rawstore import RawStore
from tests.helpers import crawl_in_child, local_source, run_cli, write_sources

pytestmark = pytest.mark.integration

SOURCE = "portal"
WORDS = ("область", "дорога", "ремонт", "мост", "власти", "движение", "жители", "район", "школа", "вода")


def article(number: int, charset: str = "utf-8") -> bytes:
    """A news article page with a dated headline and enough prose to be one; no canonical link (so each
    URL it is served under is its own record)."""
    paragraphs = "".join(
        "<p>" + " ".join(WORDS[(number * 7 + p * 3 + w) % len(WORDS)] for w in range(40)) + f" — абзац {p}.</p>"
        for p in range(5)
    )
    html = (
        f'<!DOCTYPE html><html lang="ru"><head><meta charset="{charset}"><title>Новость {number} | Портал</title>'
        f'<meta property="article:published_time" content="2026-03-0{number}T09:30:00+03:00"></head>'
        f"<body><header><a href='/'>Портал</a></header><article><h1>Новость номер {number}: ремонт моста</h1>"
        f"{paragraphs}</article><footer>© Портал</footer></body></html>"
    )
    return html.encode(charset)


@dataclass(frozen=True)
class Reply:
    body: bytes  # as the server sends it, content coding applied
    headers: dict[str, str]
    chunked: bool = False
    status: int = 200


UTF8 = {"Content-Type": "text/html; charset=utf-8"}
PAGES: dict[str, Reply] = {
    "/news/1-chunked.html": Reply(article(1), UTF8, chunked=True),
    "/news/2-gzip.html": Reply(gzip.compress(article(2)), {**UTF8, "Content-Encoding": "gzip"}),
    "/news/3-chunked-gzip.html": Reply(gzip.compress(article(3)), {**UTF8, "Content-Encoding": "gzip"}, chunked=True),
    "/news/4-cp1251.html": Reply(article(4, "windows-1251"), {"Content-Type": "text/html; charset=windows-1251"}),
    "/news/5-chunked-br.html": Reply(brotli.compress(article(5)), {**UTF8, "Content-Encoding": "br"}, chunked=True),
    "/news/6-moved.html": Reply(article(6), UTF8),
    "/news/old.html": Reply(b"", {"Location": "/news/6-moved.html"}, status=301),
    "/mirror/1-chunked.html": Reply(article(1), UTF8, chunked=True),  # the same bytes at a second URL
}
MISSING = "/news/missing.html"
# What a reader of the site asks for: every page but the redirect's target, which only the redirect names.
ASKED = [path for path in PAGES if path != "/news/6-moved.html"] + [MISSING]


class _Site(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked transfer coding needs it

    def do_GET(self) -> None:
        if self.path == "/":
            links = "".join(f'<a href="{path}">{path}</a> ' for path in ASKED)
            self._send(Reply(f"<html><body>{links}</body></html>".encode(), UTF8))
        elif self.path in PAGES:
            self._send(PAGES[self.path])
        else:
            self.send_error(404)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header(
            *(("Transfer-Encoding", "chunked") if reply.chunked else ("Content-Length", str(len(reply.body))))
        )
        self.end_headers()
        if not reply.chunked:
            self.wfile.write(reply.body)
            return
        for start in range(0, len(reply.body), 1000):  # 3e8: the marker the issue saw in a record's text
            chunk = reply.body[start : start + 1000]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[_Site]:
    server = _Site()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


RECORDS = """
SELECT a.url, a.source, a.title, a.body, a.language, a.published_at, a.modified_at, a.rubric, a.authors, a.tags,
       a.views, a.photo_credits, a.cited_sources, a.dateline_place, a.dateline_agency, a.agency, a.content_hash,
       o.url AS duplicate_of
FROM api.articles a LEFT JOIN api.articles o ON o.article_id = a.duplicate_of
ORDER BY a.url
"""


def snapshot(settings: Settings) -> dict[str, Any]:
    """The records (normalized fields, and which URL each copy points at) and the failures."""
    with connect(settings.database_url) as conn:
        records = {row["url"]: row for row in conn.execute(RECORDS).fetchall()}
        failures = conn.execute("SELECT url, stage, reason FROM failures ORDER BY url").fetchall()
    return {"records": records, "failures": failures}


def without_copy_links(records: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {url: {k: v for k, v in row.items() if k != "duplicate_of"} for url, row in records.items()}


def copy_pairs(records: dict[str, dict[str, Any]]) -> set[frozenset[str]]:
    return {frozenset((url, row["duplicate_of"])) for url, row in records.items() if row["duplicate_of"]}


def empty(settings: Settings) -> Settings:
    """No records, failures or remembered pages, and a new bucket."""
    with connect(settings.database_url) as conn:
        conn.execute("TRUNCATE articles, failures, sources, crawl_pages, crawl_runs RESTART IDENTITY CASCADE")
    return replace(settings, s3_bucket=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def crawled(services: Settings, site: _Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The site crawled directly by the crawler and normalized by a worker: the records to match."""
    tmp = tmp_path_factory.mktemp("crawl")
    write_sources(tmp / "sources.toml", [local_source(site.url(""), name=SOURCE, article_pattern="/(news|mirror)/")])
    settings = replace(empty(services), sources_file=str(tmp / "sources.toml"))
    apply_migrations(settings.database_url)
    crawl_in_child(tmp / "sources.toml", env=settings.to_env())
    worker = start_worker(settings, tmp / "worker.log", concurrency=1)
    try:
        wait_for_queue(settings, worker, report=lambda depth: None, timeout=120)
    finally:
        stop_worker(worker)
    result = snapshot(settings)
    assert len(result["records"]) == 7, sorted(result["records"])  # 6 pages + the mirror's copy
    assert result["failures"] == [{"url": site.url(MISSING), "stage": "fetch", "reason": "HTTP 404"}]
    # The crawl kept the mirror's fetch facts beside the body it shares: re-processing goes through both URLs.
    assert cli(settings, "reprocess") == "reprocess: 6/6 pages (7 URLs): " + UNCHANGED
    return result


UNCHANGED = "0 changed, 0 new version(s), 7 unchanged, 0 superseded, 0 failed"


def cli(settings: Settings, *args: str) -> str:
    """The last line `newsarchive ARGS` printed."""
    return run_cli(settings, *args).stdout.strip().splitlines()[-1]


def import_and_reprocess(settings: Settings, warc: Path, pages: int) -> None:
    out = cli(settings, "import-warc", str(warc), "--source", SOURCE)
    assert out.startswith(
        f"imported {pages} page(s), {pages - 1} new to the archive, 1 new URL(s) of a body archived already; "
        "skipped 1 error response(s), each a fetch failure, 1 redirect; run `newsarchive reprocess` to make records"
    ), out
    summary = cli(settings, "reprocess")
    counts = f"{pages} changed, {pages} new version(s), 0 unchanged, 0 superseded, 0 failed"
    assert summary == f"reprocess: {pages - 1}/{pages - 1} pages ({pages} URLs): {counts}"


def assert_same_as_crawled(settings: Settings, site: _Site, crawled: dict[str, Any]) -> None:
    imported = snapshot(settings)
    assert without_copy_links(imported["records"]) == without_copy_links(crawled["records"])
    assert imported["failures"] == crawled["failures"]
    # The mirror is a copy of the first URL that served the bytes, as the crawl marked one of the two.
    assert copy_pairs(imported["records"]) == copy_pairs(crawled["records"])
    assert imported["records"][site.url("/mirror/1-chunked.html")]["duplicate_of"] == site.url("/news/1-chunked.html")
    for row in imported["records"].values():  # the symptoms: no chunk size in the text, no mojibake
        assert "3e8" not in row["body"] and row["title"].startswith("Новость номер")


def fetch(url: str) -> bytes:
    """A GET through urllib, which looks http.client's connection class up when it connects, so that
    capture_http (which replaces that class) records it; requests would have to be imported after warcio."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:  # a 404: read it all, so that it is recorded whole
        return bytes(error.read())


def test_a_capture_http_warc_gives_the_records_of_a_crawl(
    settings: Settings, site: _Site, crawled: dict[str, Any], tmp_path: Path
) -> None:
    warc = tmp_path / "capture.warc.gz"
    with capture_http(str(warc)):
        for path in ASKED:
            fetch(site.url(path))
    settings = empty(settings)
    import_and_reprocess(settings, warc, pages=7)
    assert_same_as_crawled(settings, site, crawled)

    # The archive keeps what the transfer did not add: no chunk markers, the content codings as sent.
    store = RawStore.from_settings(settings)
    with connect(settings.database_url) as conn:
        keys = {r["url"]: r["raw_key"] for r in conn.execute("SELECT url, raw_key FROM crawl_pages").fetchall()}
    chunked_gzip = store.get_facts(keys[site.url("/news/3-chunked-gzip.html")])
    assert chunked_gzip.transfer_decoded == "chunked" and chunked_gzip.header("Content-Encoding") == "gzip"
    assert store.get(keys[site.url("/news/3-chunked-gzip.html")]) == PAGES["/news/3-chunked-gzip.html"].body
    assert store.get(keys[site.url("/news/1-chunked.html")]) == article(1)
    assert store.get_facts(keys[site.url("/news/2-gzip.html")]).transfer_decoded is None
    moved = store.get_facts(keys[site.url("/news/old.html")])
    assert (moved.url, moved.final_url) == (site.url("/news/old.html"), site.url("/news/6-moved.html"))

    # Importing again adds nothing, and re-processing changes nothing.
    before = snapshot(settings)
    again = cli(settings, "import-warc", str(warc), "--source", SOURCE)
    assert again.startswith("imported 7 page(s), 0 new to the archive; skipped 1 error response(s), each a fetch")
    assert cli(settings, "reprocess") == "reprocess: 6/6 pages (7 URLs): " + UNCHANGED
    assert snapshot(settings) == before

    # Exported again, every page is there once per URL, de-chunked, with the chunking noted for replay tools.
    out = tmp_path / "again.warc.gz"
    run_cli(settings, "export-warc", str(out))
    with out.open("rb") as stream:
        responses = {
            r.rec_headers.get_header("WARC-Target-URI"): (r.http_headers, r.raw_stream.read())
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert len(responses) == 7
    http, body = responses[site.url("/news/1-chunked.html")]
    assert body == article(1) and int(http.get_header("Content-Length")) == len(body)
    assert (
        http.get_header("Transfer-Encoding") is None
        and http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    )
    assert responses[site.url("/mirror/1-chunked.html")][1] == article(1)


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed: no wget-made WARC to import")
def test_a_wget_warc_gives_the_records_of_a_crawl(
    settings: Settings, site: _Site, crawled: dict[str, Any], tmp_path: Path
) -> None:
    prefix = tmp_path / "wget"
    result = subprocess.run(
        ["wget", "--quiet", "--output-document=/dev/null", f"--warc-file={prefix}", *(site.url(p) for p in ASKED)],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode in (0, 8), result.stderr  # 8: the server answered an error (the 404), as asked
    settings = empty(settings)
    import_and_reprocess(settings, tmp_path / "wget.warc.gz", pages=7)
    assert_same_as_crawled(settings, site, crawled)
