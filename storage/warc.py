"""The raw archive as WARC 1.1 (ISO 28500), and back.

Each archived page becomes a `request` record (GET of the fetched URL; the crawler's request headers
were not archived, so it carries only Host) and a `response` record: the status, the response headers
as received, and the body as archived, dated with the fetch time. The body we archive is the one Scrapy
handed over: its transfer coding is undone, and its gzip/deflate content coding too unless it was
broken (scrapy_project/encoding_check.py). So that a WARC reader or a replay tool (pywb) reads the
payload right, headers that no longer describe it (`Content-Length`, `Transfer-Encoding`) are renamed
`X-Archive-Orig-<name>` — the convention pywb and warcio use — and `Content-Length` is set to the body's
length. Import undoes the renaming, so archive → WARC → archive gives the same bytes and headers.

The source name travels in the response record as `WARC-Newsarchive-Source`, and the URL first asked for
(when a redirect led to the recorded one) as `WARC-Newsarchive-Requested-URI` (extension fields).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.rawstore import FetchFacts, MissingObject, RawStore

log = logging.getLogger(__name__)

SOURCE_FIELD = "WARC-Newsarchive-Source"
# The URL the crawl asked for, when a redirect led to the recorded one (WARC-Target-URI).
REQUESTED_FIELD = "WARC-Newsarchive-Requested-URI"
ORIGINAL = "X-Archive-Orig-"
# Headers that described the bytes on the wire, not the payload as archived.
_WIRE_HEADERS = {"content-length", "transfer-encoding"}


@dataclass(frozen=True)
class Imported:
    raw_key: str
    facts: FetchFacts
    created: bool


def export_warc(store: RawStore, keys: Iterable[str], out: BinaryIO, software: str = "newsarchive") -> int:
    """Write the pages of these raw keys to `out` as gzipped WARC 1.1; returns pages written. A key whose
    objects are missing is skipped (and counted out)."""
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    info = {"software": software, "format": "WARC File Format 1.1"}
    writer.write_record(writer.create_warcinfo_record("newsarchive.warc.gz", info))
    written = 0
    for key in keys:
        try:
            facts = store.get_facts(key)
            body = store.get(key)
        except MissingObject as exc:
            log.warning("not exported: %s", exc)
            continue
        date = _warc_date(facts.fetched_at)
        request = writer.create_warc_record(
            facts.final_url,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {_request_target(facts.final_url)} HTTP/1.1",
                [("Host", urlsplit(facts.final_url).netloc)],
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        response = writer.create_warc_record(
            facts.final_url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(
                _status_line(facts.status), _headers_for_warc(facts.headers, len(body)), protocol="HTTP/1.1"
            ),
            warc_headers_dict={
                "WARC-Date": date,
                **({SOURCE_FIELD: facts.source} if facts.source else {}),
                **({REQUESTED_FIELD: facts.url} if facts.url != facts.final_url else {}),
            },
        )
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(response)
        writer.write_record(request)
        written += 1
    return written


def read_warc(stream: BinaryIO, source: str | None = None) -> Iterator[tuple[bytes, FetchFacts]]:
    """(body, fetch facts) of every response record; `source` names pages whose record names none."""
    for record in ArchiveIterator(stream):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        date = record.rec_headers.get_header("WARC-Date")
        body = record.raw_stream.read()  # the payload as recorded: no decoding of any kind
        facts = FetchFacts(
            url=record.rec_headers.get_header(REQUESTED_FIELD) or url,
            final_url=url,
            status=int(record.http_headers.get_statuscode()),
            fetched_at=datetime.fromisoformat(date.replace("Z", "+00:00")).isoformat(),
            headers=_headers_from_warc(record.http_headers.headers),
            source=record.rec_headers.get_header(SOURCE_FIELD) or source,
        )
        yield body, facts


def import_warc(store: RawStore, stream: BinaryIO, source: str | None = None) -> Iterator[Imported]:
    """Archive every response of a WARC (content-addressed: a body archived already is not stored again)."""
    for body, facts in read_warc(stream, source):
        stored = store.put(body, facts)
        yield Imported(stored.key, facts, stored.created)


def _headers_for_warc(headers: dict[str, list[str]], length: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, values in headers.items():
        wire = name.lower() in _WIRE_HEADERS
        out.extend((ORIGINAL + name if wire else name, value) for value in values)
    out.append(("Content-Length", str(length)))
    return out


def _headers_from_warc(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in pairs:
        if name.lower() in _WIRE_HEADERS:
            continue  # written for the payload by export; the original is under its X-Archive-Orig- name
        if name.startswith(ORIGINAL) and name[len(ORIGINAL) :].lower() in _WIRE_HEADERS:
            name = name[len(ORIGINAL) :]
        headers.setdefault(name, []).append(value)
    return headers


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _warc_date(fetched_at: str) -> str:
    moment = datetime.fromisoformat(fetched_at).astimezone(UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
