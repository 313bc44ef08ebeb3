"""A small news site with the traps real sites have: an endless calendar (both ways), endless pagination,
session-id links, sort / filter variants of one listing, and a relative link that piles up path segments.
Articles are reachable through the listing's first pages only. Served in a thread; it logs every request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.helpers import serving

ARTICLES = 60
PER_PAGE = 10  # pages 1-6 list the articles; every later page lists none but links the next one
ARTICLE_PATTERN = r"/news/\d+-[a-z-]+\.html$"


def article_path(n: int) -> str:
    return f"/news/{n}-story-of-the-day.html"


def _page(title: str, links: list[str], body: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}<ul>{items}</ul></body></html>".encode()
    )


class TrapSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.log: list[str] = []
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def requests_for(self, prefix: str) -> list[str]:
        with self.lock:
            return [p for p in self.log if p.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    server: TrapSite
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.log.append(self.path)
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        today = datetime.now(UTC).date()
        if path == "/robots.txt":
            self._send(b"User-agent: *\nAllow: /\n", "text/plain")
        elif path == "/":
            self._send(_page("Home", ["/news/", f"/calendar/{today}", "/news/more/"]))
        elif path.startswith("/news/") and path.endswith(".html"):
            n = int(path.removeprefix("/news/").split("-")[0])
            text = " ".join(f"Sentence {k} of story {n} tells what happened." for k in range(12))
            self._send(_page(f"Story {n}", ["/", "/news/"], f"<article><p>{text}</p></article>"))
        elif path == "/news/" or path.startswith("/news/more/"):
            page = int((query.get("page") or ["1"])[0])
            first = (page - 1) * PER_PAGE
            links = [article_path(n) for n in range(first, min(first + PER_PAGE, ARTICLES))]
            links += [f"/news/?page={page + 1}", f"/news/?page={page + 1}&PHPSESSID=s{page}x{len(self.server.log)}"]
            links += [f"/news/?page={page}&sort={k}" for k in range(page, page + 8)]  # a new variant on every page
            links.append("more/")  # relative: /news/more/more/more/...
            self._send(_page(f"News, page {page}", links))
        elif path.startswith("/calendar/"):
            day = date.fromisoformat(path.removeprefix("/calendar/").strip("/"))
            links = [f"/calendar/{day - timedelta(days=1)}", f"/calendar/{day + timedelta(days=1)}", article_path(0)]
            self._send(_page(f"Calendar {day}", links))
        else:
            self._send(b"not found", "text/plain", status=404)

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8", status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving_trap_site() -> Iterator[TrapSite]:
    with serving(TrapSite()) as server:
        yield server
