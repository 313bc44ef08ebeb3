"""The raw archive as WARC 1.1 (ISO 28500), and back.

Each archived page becomes a `request` record (GET of the fetched URL; the crawler's request headers
were not archived, so it carries only Host) and a `response` record: the status, the response headers
as received, and the body as archived, dated with the fetch time. A body served by several URLs is
written once per URL. The body we archive is the one Scrapy handed over: its transfer coding is undone,
and its gzip/deflate/br content coding too unless it was broken (scrapy_project/encoding_check.py). So
that a WARC reader or a replay tool (pywb) reads the payload right, headers that no longer describe it
(`Content-Length`, `Transfer-Encoding`) are renamed `X-Archive-Orig-<name>` — the convention pywb and
warcio use — and `Content-Length` is set to the body's length. Import undoes the renaming, so archive →
WARC → archive gives the same bytes and headers.

A WARC from another crawler (wget, warcio's capture_http, …) records the payload as it came over the
wire. Import undoes what the transfer added (`Transfer-Encoding: chunked`, with warcio's own reader) and
nothing else: a content coding (gzip, br, deflate) stays as sent, with its header, for the worker to
undo (workers/normalize/decode.py), and the fetch facts say what was removed (`transfer_decoded`).
Only what a crawl archives becomes a page: a 2xx response. A redirect gives the page it leads to its
first URL (as a crawl remembers it); a 304 is skipped; any other status is a fetch failure, as in a crawl.
A `revisit` record (a deduplicating crawler's "same payload as before") is counted and skipped: its
payload is not in it.

The source name travels in the response record as `WARC-Newsarchive-Source`, the URL first asked for
(when a redirect led to the recorded one) as `WARC-Newsarchive-Requested-URI`, and a transfer coding
removed on an earlier import as `WARC-Newsarchive-Transfer-Decoded` (extension fields).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.rawstore import FetchFacts, MissingObject, RawStore

log = logging.getLogger(__name__)

SOURCE_FIELD = "WARC-Newsarchive-Source"
# The URL the crawl asked for, when a redirect led to the recorded one (WARC-Target-URI).
REQUESTED_FIELD = "WARC-Newsarchive-Requested-URI"
TRANSFER_FIELD = "WARC-Newsarchive-Transfer-Decoded"
ORIGINAL = "X-Archive-Orig-"
SOFTWARE = "newsarchive"
# Headers that described the bytes on the wire, not the payload as archived.
_WIRE_HEADERS = {"content-length", "transfer-encoding"}


@dataclass(frozen=True)
class WarcResponse:
    """A response record: the fetch it tells of, and its payload with only the transfer coding undone."""

    facts: FetchFacts
    body: bytes
    revisit: bool = False  # a `revisit` record: the fetch without its payload, which is elsewhere

    def skip_reason(self) -> str | None:
        """Why a crawl would not have archived this response (None: it would have)."""
        status, location = self.facts.status, self.facts.header("Location")
        if self.revisit:
            return "revisit record (no payload)"
        if 200 <= status < 300:
            return None
        if status == 304:
            return "not modified"
        if 300 <= status < 400 and location:
            return "redirect"
        redirected = f" (redirected to {self.facts.final_url})" if self.facts.url != self.facts.final_url else ""
        return f"HTTP {status}{redirected}"


@dataclass(frozen=True)
class Imported:
    raw_key: str
    facts: FetchFacts
    created: bool
    new_url: bool = False  # the body was archived already, from another URL


@dataclass(frozen=True)
class Skipped:
    facts: FetchFacts
    reason: str  # "redirect", "not modified", a revisit, or a fetch failure as a crawl words it ("HTTP 404")

    @property
    def failed(self) -> bool:
        return self.reason.startswith("HTTP ")


def export_warc(
    store: RawStore, keys: Iterable[str], out: BinaryIO, software: str = SOFTWARE, source: str | None = None
) -> int:
    """Write the pages of these raw keys to `out` as gzipped WARC 1.1, one per URL that served the body
    (only those of `source` when given); returns pages written. A key whose objects are missing is
    skipped (and counted out)."""
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    info = {"software": software, "format": "WARC File Format 1.1"}
    writer.write_record(writer.create_warcinfo_record("newsarchive.warc.gz", info))
    written = 0
    for key in keys:
        try:
            every = store.all_facts(key)
            body = store.get(key)
        except MissingObject as exc:
            log.warning("not exported: %s", exc)
            continue
        for facts in every:
            if source is None or facts.source == source:
                _write_page(writer, facts, body)
                written += 1
    return written


def _write_page(writer: WARCWriter, facts: FetchFacts, body: bytes) -> None:
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
            **({TRANSFER_FIELD: facts.transfer_decoded} if facts.transfer_decoded else {}),
        },
    )
    request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(response)
    writer.write_record(request)


def read_warc(stream: BinaryIO, source: str | None = None) -> Iterator[WarcResponse]:
    """Every response record of a WARC file; `source` names pages whose record names none. A record
    written by our export (its file's warcinfo names newsarchive) has its wire headers restored; any
    other keeps the headers as recorded, and its chunked payload is de-chunked."""
    ours = False
    redirected_from: dict[str, str] = {}  # a redirect's target -> the URL first asked for
    for record in ArchiveIterator(stream):
        if record.rec_type == "warcinfo":
            ours = _software(record).startswith(SOFTWARE)
        if record.rec_type not in ("response", "revisit") or record.http_headers is None:
            continue
        response = _our_response(record, source) if ours else _foreign_response(record, source, redirected_from)
        if response is not None:
            yield replace(response, revisit=record.rec_type == "revisit")


def import_warc(store: RawStore, stream: BinaryIO, source: str | None = None) -> Iterator[Imported | Skipped]:
    """Archive every page of a WARC (content-addressed: a body archived already is not stored again, a
    new URL of it only gets its fetch facts); what a crawl would not archive is skipped, with the reason."""
    for response in read_warc(stream, source):
        reason = response.skip_reason()
        if reason is not None:
            yield Skipped(response.facts, reason)
            continue
        stored = store.put(response.body, response.facts)
        yield Imported(stored.key, response.facts, stored.created, stored.new_url)


def _our_response(record: ArcWarcRecord, source: str | None) -> WarcResponse:
    """A record of our export: the body as archived, the headers as received."""
    rec = record.rec_headers
    url = rec.get_header("WARC-Target-URI")
    facts = _facts(record, url=rec.get_header(REQUESTED_FIELD) or url, source=rec.get_header(SOURCE_FIELD) or source,
                   headers=_headers_from_warc(record.http_headers.headers),
                   transfer_decoded=rec.get_header(TRANSFER_FIELD))  # fmt: skip
    return WarcResponse(facts, record.raw_stream.read())


def _foreign_response(
    record: ArcWarcRecord, source: str | None, redirected_from: dict[str, str]
) -> WarcResponse | None:
    """Another crawler's record: the headers as recorded, the payload without its transfer coding. A
    redirect is remembered, so the page it leads to gets the URL first asked for."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not url:
        return None
    body, decoded = _without_transfer_coding(record)
    facts = _facts(record, url=redirected_from.pop(url, url), source=source,
                   headers=_headers_as_recorded(record.http_headers.headers), transfer_decoded=decoded)  # fmt: skip
    location = facts.header("Location")
    if 300 <= facts.status < 400 and location:
        redirected_from[urljoin(url, location)] = facts.url
    return WarcResponse(facts, body)


def _facts(
    record: ArcWarcRecord, *, url: str, source: str | None, headers: dict[str, list[str]], transfer_decoded: str | None
) -> FetchFacts:
    status = record.http_headers.get_statuscode()
    date = record.rec_headers.get_header("WARC-Date")
    return FetchFacts(
        url=url,
        final_url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(status) if status.isdigit() else 0,
        fetched_at=datetime.fromisoformat(date.replace("Z", "+00:00")).isoformat(),
        headers=headers,
        source=source,
        transfer_decoded=transfer_decoded,
    )


def _without_transfer_coding(record: ArcWarcRecord) -> tuple[bytes, str | None]:
    """The payload as recorded, de-chunked when its headers say chunked and it is: (body, "chunked"), or
    (payload, None). Content codings are left alone: warcio's reader is given no decompressor."""
    payload = record.raw_stream.read()
    codings = [c.strip().lower() for c in (record.http_headers.get_header("Transfer-Encoding") or "").split(",")]
    if codings[-1] != "chunked":
        return payload, None
    reader = ChunkedDataReader(io.BytesIO(payload), decomp_type=None)
    body = reader.read()
    if body == payload:  # not chunked after all (a tool that de-chunked and kept the header)
        return payload, None
    if reader.not_chunked:  # chunked, then not: warcio took the rest as it is
        log.warning(
            "%s: malformed chunked payload, the rest kept as recorded", record.rec_headers.get_header("WARC-Target-URI")
        )
    return body, "chunked"


def _software(record: ArcWarcRecord) -> str:
    """The `software` field of a warcinfo record ("" when it has none)."""
    for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "software":
            return value.strip()
    return ""


def _headers_for_warc(headers: dict[str, list[str]], length: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, values in headers.items():
        wire = name.lower() in _WIRE_HEADERS
        out.extend((ORIGINAL + name if wire else name, value) for value in values)
    out.append(("Content-Length", str(length)))
    return out


def _headers_as_recorded(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in pairs:
        headers.setdefault(name, []).append(value)
    return headers


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
