"""A corpus of hostile inputs a crawler meets: wrong types, empty or oversized bodies, broken and
nested compression, decompression bombs, pathological HTML, invalid bytes, pages with no article.
Each is (name, body, content type); every one must end as a failures row with a reason."""

from __future__ import annotations

import gzip
import random

CAP = 1_000_000  # MAX_PAGE_BYTES for the test worker

_rng = random.Random(7)
_NOISE = bytes(_rng.randrange(256) for _ in range(20_000))
_HTML = "text/html; charset=utf-8"
_SHELL = '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Т</title></head><body>{}</body></html>'


def _page(inner: str) -> bytes:
    return _SHELL.format(inner).encode()


def _article() -> bytes:
    return _page("<article><h1>Заголовок</h1>" + "<p>Текст новости о дороге в области.</p>" * 20 + "</article>")


def hostile_pages() -> list[tuple[str, bytes, str]]:
    good = _article()
    return [
        ("empty", b"", _HTML),
        ("whitespace", b" \r\n\t " * 100, _HTML),
        ("bom-only", b"\xef\xbb\xbf", _HTML),
        ("pdf", b"%PDF-1.7\n" + _NOISE, "application/pdf"),
        ("png", b"\x89PNG\r\n\x1a\n" + _NOISE, "image/png"),
        ("mp4", b"\x00\x00\x00\x18ftypmp42" + _NOISE, "video/mp4"),
        ("json", b'{"items": [1, 2, 3], "next": null}', "application/json"),
        ("javascript", b"window.location = '/news/';", "application/javascript"),
        ("css", b"body { color: red }", "text/css"),
        ("binary-octet-stream", _NOISE, "application/octet-stream"),
        ("plain-text", "Просто текст без разметки, как robots.txt.".encode(), "text/plain; charset=utf-8"),
        ("over-size-cap", _page("<p>" + "Очень длинная новость. " * 60_000 + "</p>"), _HTML),
        ("gzip-bomb", gzip.compress(b"<html><body>" + b"\0" * (30 * CAP)), _HTML),
        ("gzip-truncated", gzip.compress(good)[:200], _HTML),
        ("gzip-corrupt", b"\x1f\x8b\x08\x00" + _NOISE, _HTML),
        ("gzip-double", gzip.compress(gzip.compress(good)), _HTML),
        ("gzip-of-png", gzip.compress(b"\x89PNG\r\n\x1a\n" + _NOISE), _HTML),
        ("invalid-bytes-utf8-declared", b"<html><body><p>" + _NOISE + b"</p></body></html>", _HTML),
        ("invalid-bytes-no-charset", b"<html><body><p>" + _NOISE + b"</p></body></html>", "text/html"),
        ("nul-bytes", b"<html><body>" + b"\0" * 50_000 + b"</body></html>", _HTML),
        ("deep-nesting", _page("<div>" * 80_000 + "</div>" * 80_000), _HTML),
        ("deep-nesting-unclosed", _page("<span><b><i>" * 60_000), _HTML),
        ("huge-attribute", _page('<div data-x="' + "A" * (CAP // 2) + '"></div>'), _HTML),
        ("many-empty-paragraphs", _page("<p></p>" * 100_000), _HTML),
        ("scripts-only", _page("<script>var a = 1;</script>" * 200 + "<style>p{}</style>"), _HTML),
        ("menus-only", _page('<nav class="menu">' + '<a href="/x">Раздел</a>' * 50 + "</nav>"), _HTML),
        ("comments-only", _page("<!-- " + "комментарий " * 1000 + " -->"), _HTML),
        ("spa-shell", _page('<div id="root"></div><script src="/app.js"></script>'), _HTML),
        ("frameset", b"<html><frameset><frame src='/a.html'><frame src='/b.html'></frameset></html>", _HTML),
        ("meta-refresh", _page('<meta http-equiv="refresh" content="0; url=/news/">'), _HTML),
        ("image-only", _page('<img src="/a.jpg"><img src="/b.jpg">'), _HTML),
        ("empty-form", _page('<form action="/login"><input name="u"><input type="password"></form>'), _HTML),
    ]
