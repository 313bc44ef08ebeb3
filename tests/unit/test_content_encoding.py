"""A body that keeps its Content-Encoding (a page imported from a WARC keeps the codings as sent) gives the
same record as the decoded body the crawl archives; broken, oversized or unknown codings are reasons."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime
from pathlib import Path

import brotli
import pytest
from backports import zstd

from deploy.cli import main
from storage.rawstore import FetchFacts, compress
from tests.fixtures.build_pages import html_path, load_cases
from workers.normalize import NormalizeError, normalize_page

CASE = next(c for c in load_cases() if c["id"] == "portal-05")
PAGE = html_path(CASE).read_bytes()
CTYPE = "text/html; charset=utf-8"


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODED = {
    "gzip": gzip.compress(PAGE),
    "x-gzip": gzip.compress(PAGE),
    "deflate": zlib.compress(PAGE),  # zlib-wrapped, as the standard says
    "Deflate ": _raw_deflate(PAGE),  # raw, as many servers send it
    "br": brotli.compress(PAGE),
    "zstd": zstd.compress(PAGE),
    "gzip, br": brotli.compress(gzip.compress(PAGE)),  # applied in the order listed
    "identity": PAGE,
}


def normalize(body: bytes, encoding: str | None, max_bytes: int = 10 * 1024 * 1024):  # type: ignore[no-untyped-def]
    return normalize_page(body, url=CASE["url"], content_type=CTYPE, max_bytes=max_bytes, content_encoding=encoding,
                          fetched_at=datetime.fromisoformat(CASE["fetched_at"]))  # fmt: skip


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_each_content_coding_gives_the_record_of_the_decoded_page(encoding: str) -> None:
    assert normalize(ENCODED[encoding], encoding) == normalize(PAGE, None)


def test_several_gzip_members_are_one_body() -> None:
    half = len(PAGE) // 2
    assert normalize(gzip.compress(PAGE[:half]) + gzip.compress(PAGE[half:]), "gzip") == normalize(PAGE, None)


def test_a_gzip_body_without_header_is_still_sniffed() -> None:
    # A page gzipped twice: the crawl's Scrapy decodes one layer, the normalizer the other; import keeps both.
    twice = gzip.compress(gzip.compress(PAGE))
    assert normalize(twice, "gzip") == normalize(gzip.compress(PAGE), None) == normalize(PAGE, None)


@pytest.mark.parametrize(
    ("body", "encoding", "reason"),
    [
        (brotli.compress(PAGE)[:-40], "br", "corrupt br data: truncated stream"),
        (zlib.compress(PAGE)[:300], "deflate", "corrupt deflate data: truncated stream"),
        (b"not deflate at all" * 10, "deflate", "corrupt deflate data"),
        (gzip.compress(PAGE)[:500], "gzip", "corrupt gzip data: truncated stream"),
        (zstd.compress(PAGE)[:200], "zstd", "corrupt zstd data: truncated stream"),
        (PAGE, "compress", "content encoding 'compress' is not supported"),
        (brotli.compress(b"<p>" + b" " * 200_000), "br", "decompressed body is over the 100000-byte cap"),
    ],
    ids=[
        "br-truncated",
        "deflate-truncated",
        "deflate-garbage",
        "gzip-truncated",
        "zstd-truncated",
        "compress",
        "br-bomb",
    ],
)
def test_broken_oversized_or_unknown_codings_are_reasons(body: bytes, encoding: str, reason: str) -> None:
    with pytest.raises(NormalizeError) as raised:
        normalize(body, encoding, max_bytes=100_000)
    assert raised.value.reason.startswith(reason)


def test_extract_reads_the_content_encoding_of_a_raw_objects_fetch_facts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "cd34.html.gz"
    raw.write_bytes(compress(ENCODED["br"]))  # the store's gzip around a body kept br-encoded
    headers = {"Content-Type": [CTYPE], "Content-Encoding": ["br"]}
    facts = FetchFacts(url=CASE["url"], final_url=CASE["url"], status=200, fetched_at=CASE["fetched_at"],
                       headers=headers)  # fmt: skip
    (tmp_path / "cd34.fetch.json").write_text(json.dumps(facts.__dict__), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["extract", str(raw)])
    out = json.loads(capsys.readouterr().out)
    assert exited.value.code in (0, None)
    assert out["title"] == CASE["title"] and out["views"] == 12000
