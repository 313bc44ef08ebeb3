"""Downloader middleware: a gzip Content-Encoding that does not decode cleanly is not decoded at all.

Scrapy's HttpCompressionMiddleware keeps "as much as possible" of a broken gzip stream, so a truncated
transfer would become an article with half its text; and a decompression bomb is dropped there with
no trace. This runs just before it (response side) and checks the stream: complete, valid, and no
larger than DOWNLOAD_MAXSIZE once decoded. A stream that fails is passed on undecoded, so the archive
keeps the bytes exactly as sent (the fetch facts keep `Content-Encoding: gzip`), and the worker, which
sniffs gzip in a body and decodes it under the same cap, records the page as a failure with the reason.
"""

from __future__ import annotations

import logging
import zlib

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

log = logging.getLogger(__name__)

# Request meta: the Content-Encoding left undecoded; the spider puts it back in the fetch facts.
UNDECODED = "newsarchive_undecoded_encoding"
_CHUNK = 64 * 1024


def gzip_problem(data: bytes, max_size: int) -> str | None:
    """Why a gzip stream cannot be decoded whole (None when it can). Decodes in chunks and keeps
    nothing, so a bomb costs CPU up to the cap, not memory."""
    stream = zlib.decompressobj(wbits=31)
    total = 0
    pending = data
    try:
        while pending and not stream.eof:
            total += len(stream.decompress(pending, _CHUNK))
            if max_size and total > max_size:
                return f"gzip body decodes to more than the {max_size}-byte cap"
            pending = stream.unconsumed_tail
        total += len(stream.flush())
    except zlib.error as exc:
        return f"corrupt gzip body: {exc}"
    if not stream.eof:
        return "truncated gzip body: the stream ends before its end marker"
    # Bytes after a complete stream (more gzip members, or junk browsers ignore too) are left to Scrapy,
    # which decodes further members under the same cap.
    return None


class GzipCheckMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GzipCheckMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        encoding = b",".join(response.headers.getlist("Content-Encoding")).decode("latin-1").strip().lower()
        if encoding not in ("gzip", "x-gzip") or request.method == "HEAD":
            return response
        problem = gzip_problem(response.body, self.max_size)
        if problem is None:
            return response
        assert self.stats is not None
        self.stats.inc_value("newsarchive/undecoded")
        log.warning("%s: %s; kept undecoded, as sent", response.url, problem)
        request.meta[UNDECODED] = encoding
        headers = response.headers.copy()
        del headers["Content-Encoding"]  # so Scrapy's decompression leaves the body alone
        return response.replace(headers=headers)
