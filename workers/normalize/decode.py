"""Raw bytes -> HTML text: content codings (Content-Encoding, else a gzip body sniffed), charset from BOM /
HTTP header / <meta> / detection, lying headers caught."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import brotli
import charset_normalizer
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, resolve_encoding

from workers.normalize.record import NormalizeError

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Served as text/plain or octet-stream by misconfigured servers, yet still HTML when it looks like it.
_SNIFFABLE_TYPES = ("text/plain", "application/octet-stream", "")
_GZIP_MAGIC = b"\x1f\x8b"


def check_size_and_type(body: bytes, content_type: str | None, max_bytes: int) -> None:
    if not body:
        raise NormalizeError("empty body")
    if len(body) > max_bytes:
        raise NormalizeError(f"body of {len(body)} bytes is over the {max_bytes}-byte cap")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES and mime not in _SNIFFABLE_TYPES:
        raise NormalizeError(f"not HTML: content type {content_type!r}")


def gunzip_if_compressed(body: bytes, max_bytes: int) -> bytes:
    """Raw objects are stored gzip-compressed; a saved page may be too. The cap applies to the result."""
    return _gunzip(body, max_bytes) if body.startswith(_GZIP_MAGIC) else body


def undo_content_encoding(body: bytes, content_encoding: str | None, max_bytes: int) -> bytes:
    """The body with the content codings its Content-Encoding names undone, the last applied first, each
    under the cap. The crawl archives what Scrapy decoded already (no header left); a page imported from
    a WARC keeps them as sent. A gzip body is sniffed after that either way (a saved page, or a page
    gzipped twice, of which the crawl decodes one layer)."""
    for coding in reversed(_codings(content_encoding)):
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise NormalizeError(f"content encoding {coding!r} is not supported")
        body = decoder(body, max_bytes)
    return gunzip_if_compressed(body, max_bytes)


def _codings(content_encoding: str | None) -> list[str]:
    names = (name.strip().lower() for name in (content_encoding or "").split(","))
    return [name for name in names if name and name != "identity"]


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    """Every gzip member (a stream may hold several); bytes after the last one are ignored, as browsers do."""
    out = b""
    rest = body
    while rest.startswith(_GZIP_MAGIC):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, max_bytes + 1 - len(out))
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise NormalizeError(f"corrupt gzip data: {exc}") from exc
        _check_inflated(out, inflater.eof, max_bytes, "gzip")
        rest = inflater.unused_data
    return out


def _inflate(body: bytes, max_bytes: int) -> bytes:
    """HTTP deflate is zlib-wrapped by the standard, raw deflate from many servers: both are accepted."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(body, max_bytes + 1)
        except zlib.error as exc:
            error = exc
            continue
        _check_inflated(out, inflater.eof, max_bytes, "deflate")
        return out
    raise NormalizeError(f"corrupt deflate data: {error}")


def _unbrotli(body: bytes, max_bytes: int) -> bytes:
    decompressor = brotli.Decompressor()
    try:
        out = decompressor.process(body, output_buffer_limit=max_bytes + 1)
    except brotli.error as exc:
        raise NormalizeError(f"corrupt br data: {exc}") from exc
    _check_inflated(out, decompressor.is_finished(), max_bytes, "br")
    return out


def _unzstd(body: bytes, max_bytes: int) -> bytes:
    from backports import zstd  # Scrapy's own dependency for zstd (the standard library has it from 3.14)

    decompressor = zstd.ZstdDecompressor()
    try:
        out = decompressor.decompress(body, max_bytes + 1)
    except zstd.ZstdError as exc:
        raise NormalizeError(f"corrupt zstd data: {exc}") from exc
    _check_inflated(out, decompressor.eof, max_bytes, "zstd")
    return out


def _check_inflated(out: bytes, complete: bool, max_bytes: int, coding: str) -> None:
    if len(out) > max_bytes:
        raise NormalizeError(f"decompressed body is over the {max_bytes}-byte cap")
    if not complete:
        raise NormalizeError(f"corrupt {coding} data: truncated stream")


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Returns (text, encoding). A declared charset is trusted only if the bytes decode with it; an
    undeclared one is detected (cp1251 and koi8-r pages often declare nothing)."""
    declared = http_content_type_encoding(content_type) if content_type else None
    if declared and not _decodes(body, declared):
        content_type = None  # the header lies (e.g. utf-8 on a cp1251 page): fall back to meta or detection
    if not content_type or not http_content_type_encoding(content_type):
        in_meta = html_body_declared_encoding(body)
        if in_meta and not _decodes(body, in_meta):
            in_meta = None
        if not in_meta and not body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            detected = _detect(body)
            content_type = f"text/html; charset={detected}"
    encoding, text = html_to_unicode(content_type, body)
    if text.count("\ufffd") > max(20, len(text) // 50):
        raise NormalizeError(f"undecodable: too many invalid bytes for {encoding}")
    return text, encoding


def _decodes(body: bytes, encoding: str) -> bool:
    name = resolve_encoding(encoding)
    if not name:
        return False
    try:
        body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _detect(body: bytes) -> str:
    if _decodes(body, "utf-8"):
        return "utf-8"
    best = charset_normalizer.from_bytes(body[:65536], cp_isolation=["cp1251", "koi8_r", "cp1252", "iso8859_5"])
    match = best.best()
    return match.encoding if match else "cp1251"
