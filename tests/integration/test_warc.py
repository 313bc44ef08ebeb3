"""The archive exported to WARC 1.1 and read back with warcio gives the exact bytes and headers archived;
importing the file into an empty archive and re-processing it gives the same records."""

from __future__ import annotations

import gzip
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from tests.helpers import run_cli, store_sample_articles

pytestmark = pytest.mark.integration

RECORD = "SELECT url, title, body, published_at, views, rubric, photo_credits, content_hash, raw_key FROM articles"


def cli(settings: Settings, *args: str, status: int = 0) -> str:
    return run_cli(settings, *args, status=status).stdout.strip().splitlines()[-1]


def test_warc_round_trip(settings: Settings, raw_store: RawStore, pool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert store_sample_articles(raw_store, pool) == 32
    # A page kept undecoded (broken gzip), with the wire headers a real server sends.
    url = "http://127.0.0.1:8765/vologda/news/avto/1-broken.html"
    page = ("<html><body><p>" + " ".join(str(n * 7919 % 10007) for n in range(3000)) + "</p></body></html>").encode()
    broken = gzip.compress(page)[:700]  # truncated on the wire
    headers = {"Content-Type": ["text/html"], "Content-Encoding": ["gzip"], "Content-Length": ["9999"],
               "Transfer-Encoding": ["chunked"], "Set-Cookie": ["a=1", "b=2"]}  # fmt: skip
    asked = "http://127.0.0.1:8765/vologda/news/1.html"  # redirected to url
    raw_store.put(broken, FetchFacts(asked, url, 200, "2026-01-17T11:05:00.250000+00:00", headers, "sample-vologda"))
    keys = sorted(raw_store.iter_keys())
    assert len(keys) == 33
    with connect(settings.database_url) as conn:
        records_before = conn.execute(RECORD + " ORDER BY url").fetchall()

    warc = tmp_path / "archive.warc.gz"
    assert cli(settings, "export-warc", str(warc)) == f"wrote 33 page(s) to {warc}"

    # Read back with warcio: exact bytes, headers and dates of every archived page.
    responses, requests = {}, 0
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            assert record.rec_headers.protocol == "WARC/1.1"
            if record.rec_type == "request":
                requests += 1
            if record.rec_type == "response":
                responses[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.raw_stream.read(), record.http_headers, record.rec_headers
                )  # fmt: skip
    assert requests == 33 and len(responses) == 33
    for key in keys:
        facts = raw_store.get_facts(key)
        body, http, rec = responses[facts.final_url]
        assert body == raw_store.get(key)
        assert http.get_statuscode() == str(facts.status)
        assert int(http.get_header("Content-Length")) == len(body)
        date = datetime.fromisoformat(rec.get_header("WARC-Date").replace("Z", "+00:00"))
        assert date == datetime.fromisoformat(facts.fetched_at)
        assert rec.get_header("WARC-Newsarchive-Source") == facts.source
        for name, values in facts.headers.items():
            shown = f"X-Archive-Orig-{name}" if name in ("Content-Length", "Transfer-Encoding") else name
            assert [v for n, v in http.headers if n == shown] == values, name

    # Into an empty archive and database, then re-processed: the same records.
    with connect(settings.database_url) as conn:
        conn.execute("TRUNCATE articles, failures, sources, crawl_pages RESTART IDENTITY CASCADE")
    empty = replace(settings, s3_bucket=f"test-{uuid.uuid4().hex[:12]}")
    assert cli(empty, "import-warc", str(warc)).startswith("imported 33 page(s), 33 new to the archive")
    fresh = RawStore.from_settings(empty)
    assert sorted(fresh.iter_keys()) == keys  # content-addressed: the same keys
    for key in keys:
        assert fresh.get(key) == raw_store.get(key)
        assert fresh.get_facts(key) == raw_store.get_facts(key)
    summary = cli(empty, "reprocess", status=1)  # 1: a page failed (the broken one, as it should)
    assert summary == "reprocess: 33/33 pages: 32 changed, 32 new version(s), 0 unchanged, 0 superseded, 1 failed"
    with connect(settings.database_url) as conn:
        assert conn.execute(RECORD + " ORDER BY url").fetchall() == records_before
        failed = conn.execute("SELECT url, stage FROM failures").fetchall()
    assert failed == [{"url": url, "stage": "normalize"}]
    assert cli(empty, "import-warc", str(warc)).startswith("imported 33 page(s), 0 new to the archive")
