"""Reading another crawler's WARC: the transfer coding undone and nothing else, headers as recorded, redirects
and error statuses as a crawl sees them; our own export's renamed headers restored."""

from __future__ import annotations

import gzip
import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.warc import read_warc

PAGE = "<html><head><title>Привет</title></head><body><p>Текст новости</p></body></html>".encode()
DATE = "2026-03-01T10:00:00Z"


def chunked(data: bytes, size: int = 7) -> bytes:
    """HTTP/1.1 chunked transfer coding, as a server writes it (sizes in hex, a zero chunk at the end)."""
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def warc(*responses: tuple[str, str, list[tuple[str, str]], bytes], software: str | None = None) -> io.BytesIO:
    """A WARC file of response records (url, status line, headers, payload as on the wire)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    if software:
        writer.write_record(writer.create_warcinfo_record("x.warc.gz", {"software": software}))
    for url, status, headers, payload in responses:
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), length=len(payload),
                                           http_headers=http, warc_headers_dict={"WARC-Date": DATE})  # fmt: skip
        writer.write_record(record)
    out.seek(0)
    return out


HTML = ("Content-Type", "text/html; charset=utf-8")


def test_chunk_markers_are_removed_and_the_facts_say_so() -> None:
    [page] = read_warc(warc(("http://a.test/1", "200 OK", [HTML, ("Transfer-Encoding", "chunked")], chunked(PAGE))))
    assert page.body == PAGE
    assert page.facts.transfer_decoded == "chunked"
    assert page.facts.headers == {"Content-Type": [HTML[1]], "Transfer-Encoding": ["chunked"]}  # as received
    assert page.facts.fetched_at == "2026-03-01T10:00:00+00:00" and page.skip_reason() is None


def test_a_content_coding_stays_as_sent_under_the_chunks() -> None:
    packed = gzip.compress(PAGE)
    headers = [HTML, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    [page] = read_warc(warc(("http://a.test/gz", "200 OK", headers, chunked(packed, 5))))
    assert page.body == packed
    assert page.facts.header("Content-Encoding") == "gzip" and page.facts.transfer_decoded == "chunked"


@pytest.mark.parametrize(
    "headers",
    [[HTML, ("Content-Length", str(len(PAGE)))], [HTML, ("Transfer-Encoding", "chunked")]],
    ids=["content-length", "chunked-header-but-payload-de-chunked-already"],
)
def test_a_payload_that_is_not_chunked_is_kept_as_recorded(headers: list[tuple[str, str]]) -> None:
    [page] = read_warc(warc(("http://a.test/1", "200 OK", headers, PAGE)))
    assert page.body == PAGE and page.facts.transfer_decoded is None
    assert page.facts.headers == {name: [value] for name, value in headers}


def test_a_redirect_gives_the_page_its_first_url_and_errors_are_skipped_as_a_crawl_would() -> None:
    stream = warc(
        ("http://a.test/old", "301 Moved Permanently", [("Location", "/moved")], b""),
        ("http://a.test/moved", "302 Found", [("Location", "http://a.test/new")], b""),
        ("http://a.test/new", "200 OK", [HTML], PAGE),
        ("http://a.test/new", "200 OK", [HTML], PAGE),  # fetched again directly: its own URL
        ("http://a.test/gone", "404 Not Found", [HTML], b"<html>no</html>"),
        ("http://a.test/same", "304 Not Modified", [], b""),
        ("http://a.test/nowhere", "302 Found", [], b""),
    )
    pages = list(read_warc(stream, source="mirror"))
    assert [(p.facts.url, p.facts.final_url, p.skip_reason()) for p in pages] == [
        ("http://a.test/old", "http://a.test/old", "redirect"),
        ("http://a.test/old", "http://a.test/moved", "redirect"),
        ("http://a.test/old", "http://a.test/new", None),
        ("http://a.test/new", "http://a.test/new", None),
        ("http://a.test/gone", "http://a.test/gone", "HTTP 404"),
        ("http://a.test/same", "http://a.test/same", "not modified"),
        ("http://a.test/nowhere", "http://a.test/nowhere", "HTTP 302"),
    ]
    assert {p.facts.source for p in pages} == {"mirror"}


def test_our_own_export_has_its_wire_headers_restored() -> None:
    headers = [HTML, ("X-Archive-Orig-Transfer-Encoding", "chunked"), ("Content-Length", str(len(PAGE)))]
    [page] = read_warc(warc(("http://a.test/1", "200 OK", headers, PAGE), software="newsarchive"))
    assert page.body == PAGE and page.facts.transfer_decoded is None
    assert page.facts.headers == {"Content-Type": [HTML[1]], "Transfer-Encoding": ["chunked"]}


def test_a_revisit_record_is_skipped_as_such() -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", [HTML], protocol="HTTP/1.1")
    revisit = writer.create_revisit_record("http://a.test/again", digest="sha1:AAAA", refers_to_uri="http://a.test/1",
                                           refers_to_date=DATE, http_headers=http)  # fmt: skip
    writer.write_record(revisit)
    out.seek(0)
    [page] = read_warc(out)
    assert page.revisit and page.skip_reason() == "revisit record (no payload)"
