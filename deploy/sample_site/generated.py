"""A generated news portal of N articles for crawl tests and benchmarks.

It publishes every way a news site is discovered, and each article is reachable by exactly one of them
(article n's channel is n % 5), so a test can tell which discovery path found what:

    0  paginated listing /news/?page=K (links carry utm_* tags), plus teasers on other channel-0 articles
    1  sitemap index (named in robots.txt) -> gzipped sitemaps
    2  Google News sitemap (named in robots.txt), with news:publication_date
    3  RSS 2.0 feed, announced by <link rel="alternate"> on the home page
    4  Atom feed, announced the same way

Articles answer conditional requests (ETag, Last-Modified -> 304). `POST /__edit/N` publishes a new
revision of article N; `GET /__log` returns the request log as JSON; `/private/` is disallowed by
robots.txt; `/go/away` redirects to another host; `--latency-ms` makes articles answer as slowly as
a remote server. Run it as its own process (`python -m
deploy.sample_site.generated --port P --articles N`) so it does not share the crawler's GIL.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PER_LISTING = 50
PER_SITEMAP = 1000
CHANNELS = ("listing", "sitemap", "news-sitemap", "rss", "atom")
PUBLISHED_BASE = datetime(2026, 1, 17, 9, 0, tzinfo=UTC)
WORDS = (  # noqa: SIM905
    "власти области сообщили что работы на объекте завершатся до конца года по данным регионального "
    "министерства строительства подрядчик выполнил основной объем работ жители смогут оценить результат "
    "уже весной после благоустройства прилегающей территории специалисты отмечают высокий спрос"
).split()


def channel(n: int) -> str:
    return CHANNELS[n % len(CHANNELS)]


def article_path(n: int) -> str:
    return f"/news/{n}-novost.html"


def published(n: int) -> datetime:
    return PUBLISHED_BASE - timedelta(minutes=7 * n)


class Portal:
    """The site's content: pure functions of (article count, revisions)."""

    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.revisions: dict[int, int] = {}
        self.lock = threading.Lock()

    def of_channel(self, name: str) -> list[int]:
        return [n for n in range(self.articles) if channel(n) == name]

    def revision(self, n: int) -> int:
        with self.lock:
            return self.revisions.get(n, 0)

    def edit(self, n: int) -> int:
        with self.lock:
            self.revisions[n] = self.revisions.get(n, 0) + 1
            return self.revisions[n]

    def modified(self, n: int) -> datetime:
        return published(n) + timedelta(hours=self.revision(n))

    def etag(self, n: int) -> str:
        return f'"a{n}-r{self.revision(n)}"'

    def robots(self, base: str) -> bytes:
        return (
            "User-agent: *\nDisallow: /private/\n\n"
            f"Sitemap: {base}/sitemap_index.xml\nSitemap: {base}/news-sitemap.xml\n"
        ).encode()

    def home(self) -> bytes:
        return (
            '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Новости региона</title>'
            '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">'
            '<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">'
            '</head><body><nav class="menu"><a href="/news/">Новости</a> <a href="/about.html">О нас</a>'
            ' <a href="/private/admin.html">Вход</a> <a href="/go/away">Партнёры</a></nav>'
            "<p>Главная страница портала.</p></body></html>"
        ).encode()

    def listing(self, page: int) -> bytes | None:
        numbers = self.of_channel("listing")
        pages = max(1, -(-len(numbers) // PER_LISTING))
        if not 1 <= page <= pages:
            return None
        chunk = numbers[(page - 1) * PER_LISTING : page * PER_LISTING]
        links = "".join(
            f'<li><a href="{article_path(n)}?utm_source=main&utm_medium=list">Новость {n}</a>'
            f' <span class="date">{published(n):%d-%m-%Y}</span></li>'
            for n in chunk
        )
        nav = f'<a class="next" href="/news/?page={page + 1}">Дальше</a>' if page < pages else ""
        return (
            f'<html lang="ru"><head><meta charset="utf-8"><title>Новости, стр. {page}</title></head>'
            f'<body><ul class="news-list">{links}</ul><div class="pager">{nav}</div></body></html>'
        ).encode()

    def article(self, n: int) -> bytes | None:
        if not 0 <= n < self.articles:
            return None
        rng = random.Random(n)
        rev = self.revision(n)
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))).capitalize() + ".</p>"
            for _ in range(5)
        )
        if rev:
            paragraphs += f"<p>Обновлено: редакция дополнила материал (версия {rev}).</p>"
        teasers = ""
        if channel(n) == "listing":  # teasers stay inside channel 0, so other channels have one path each
            others = [m for m in (n + 5, n + 10, n + 15) if m < self.articles]
            teasers = "".join(
                f'<div class="news-card"><a href="{article_path(m)}?utm_source=teaser">Новость {m}</a>'
                f'<span class="date">{published(m):%d-%m-%Y}</span> <span class="views">{rng.randint(100, 5000)}'
                " просмотров</span></div>"
                for m in others
            )
        when = published(n)
        return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Новость {n}</title>
<link rel="canonical" href="{article_path(n)}">
<script>window.ads=[];</script></head><body>
<nav class="menu"><a href="/">Главная</a> <a href="/news/">Новости</a></nav>
<article><div class="meta"><span class="rubric">Город</span>
<span class="date">{when:%d-%m-%Y %H:%M}</span> <span class="views">{rng.randint(100, 9000)}</span></div>
<h1>Заголовок новости номер {n}</h1>
<div class="photo">Фото: Пресс-служба</div>
<div class="text">{paragraphs}</div></article>
<section class="week-news"><h2>Главные новости за неделю</h2>{teasers}</section>
<section class="comments"><h3>Комментарии</h3><p>Комментариев пока нет.</p></section>
<footer>© 2026 Пример. Все права защищены.</footer></body></html>""".encode()

    def sitemap_index(self, base: str) -> bytes:
        count = max(1, -(-len(self.of_channel("sitemap")) // PER_SITEMAP))
        entries = "".join(
            f"<sitemap><loc>{base}/sitemaps/articles-{k}.xml.gz</loc></sitemap>" for k in range(1, count + 1)
        )
        return _xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>')

    def sitemap(self, base: str, k: int) -> bytes | None:
        numbers = self.of_channel("sitemap")[(k - 1) * PER_SITEMAP : k * PER_SITEMAP]
        if not numbers:
            return None
        urls = "".join(
            f"<url><loc>{base}{article_path(n)}</loc><lastmod>{self.modified(n).isoformat()}</lastmod></url>"
            for n in numbers
        )
        urls += f"<url><loc>{base}/about.html</loc></url>"  # sitemaps list more than articles
        return gzip.compress(_xml(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'))

    def news_sitemap(self, base: str) -> bytes:
        urls = "".join(
            f"<url><loc>{base}{article_path(n)}</loc><news:news><news:publication><news:name>Новости региона"
            f"</news:name><news:language>ru</news:language></news:publication><news:publication_date>"
            f"{published(n).isoformat()}</news:publication_date><news:title>Новость {n}</news:title>"
            "</news:news></url>"
            for n in self.of_channel("news-sitemap")
        )
        return _xml(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
        )

    def rss(self, base: str) -> bytes:
        items = "".join(
            f"<item><title>Новость {n}</title><link>{base}{article_path(n)}?utm_source=rss</link>"
            f'<guid isPermaLink="false">a{n}</guid><pubDate>{format_datetime(published(n))}</pubDate></item>'
            for n in self.of_channel("rss")
        )
        return _xml(
            f'<rss version="2.0"><channel><title>Новости региона</title><link>{base}/</link>{items}</channel></rss>'
        )

    def atom(self, base: str) -> bytes:
        entries = "".join(
            f'<entry><title>Новость {n}</title><link rel="alternate" href="{base}{article_path(n)}"/>'
            f"<id>tag:portal,2026:{n}</id><updated>{self.modified(n).isoformat()}</updated></entry>"
            for n in self.of_channel("atom")
        )
        return _xml(
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Новости региона</title><id>tag:portal,2026</id>'
            f"<updated>{PUBLISHED_BASE.isoformat()}</updated>{entries}</feed>"
        )


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode()


def article_number(path: str) -> int | None:
    if not (path.startswith("/news/") and path.endswith("-novost.html")):
        return None
    digits = path.removeprefix("/news/").removesuffix("-novost.html")
    return int(digits) if digits.isdigit() else None


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, articles: int, host: str = "127.0.0.1", port: int = 0, log: bool = True, latency: float = 0.0
    ) -> None:
        super().__init__((host, port), _Handler)
        self.portal = Portal(articles)
        self.latency = latency  # seconds before each article answer, as a remote server would take
        self.keep_log = log
        self.log: list[tuple[str, str, int]] = []
        self.log_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, method: str, path: str, status: int) -> None:
        if self.keep_log:
            with self.log_lock:
                self.log.append((method, path, status))


class _Handler(BaseHTTPRequestHandler):
    server: PortalServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/__edit/") and path.removeprefix("/__edit/").isdigit():
            rev = self.server.portal.edit(int(path.removeprefix("/__edit/")))
            self._send(200, str(rev).encode(), "text/plain", log=False)
        else:
            self._send(404, b"not found", "text/plain")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, base, portal = parts.path, self.server.base_url, self.server.portal
        if path == "/__log":
            with self.server.log_lock:
                body = json.dumps(self.server.log).encode()
            self._send(200, body, "application/json", log=False)
            return
        n = article_number(path)
        if n is not None and 0 <= n < portal.articles:
            self._send_article(n)
            return
        page = int((parse_qs(parts.query).get("page") or ["1"])[0] or 1) if path == "/news/" else 0
        routes = {
            "/robots.txt": lambda: (portal.robots(base), "text/plain; charset=utf-8"),
            "/": lambda: (portal.home(), "text/html; charset=utf-8"),
            "/about.html": lambda: (b"<html><body><p>About</p></body></html>", "text/html; charset=utf-8"),
            "/private/admin.html": lambda: (b"<html><body>admin</body></html>", "text/html; charset=utf-8"),
            "/news/": lambda: (portal.listing(page), "text/html; charset=utf-8"),
            "/sitemap_index.xml": lambda: (portal.sitemap_index(base), "application/xml"),
            "/news-sitemap.xml": lambda: (portal.news_sitemap(base), "application/xml"),
            "/rss.xml": lambda: (portal.rss(base), "application/rss+xml; charset=utf-8"),
            "/atom.xml": lambda: (portal.atom(base), "application/atom+xml; charset=utf-8"),
        }
        if path.startswith("/go/to/"):  # a redirect to an address given in the path (address guard tests)
            self.send_response(302)
            self.send_header("Location", f"http://{path.removeprefix('/go/to/')}/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.server.record("GET", self.path, 302)
            return
        if path == "/go/away":
            self.send_response(302)
            self.send_header("Location", "http://elsewhere.invalid/landing.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.server.record("GET", self.path, 302)
            return
        if path.startswith("/sitemaps/articles-") and path.endswith(".xml.gz"):
            k = path.removeprefix("/sitemaps/articles-").removesuffix(".xml.gz")
            body = portal.sitemap(base, int(k)) if k.isdigit() else None
            self._send(200 if body else 404, body or b"not found", "application/x-gzip")
            return
        route = routes.get(path)
        body, ctype = route() if route else (None, "text/plain")
        self._send(200 if body else 404, body or b"not found", ctype)

    def _send_article(self, n: int) -> None:
        if self.server.latency:
            time.sleep(self.server.latency)
        portal = self.server.portal
        etag, modified = portal.etag(n), portal.modified(n)
        if self._not_modified(etag, modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            self.server.record("GET", self.path, 304)
            return
        body = portal.article(n) or b""
        self._send(
            200,
            body,
            "text/html; charset=utf-8",
            {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)},
        )

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [t.strip() for t in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(
        self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None, log: bool = True
    ) -> None:
        if log:
            self.server.record(self.command, self.path, status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the server keeps its own log
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-log", action="store_true", help="keep no request log (long benchmarks)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before each article answer")
    args = parser.parse_args()
    server = PortalServer(args.articles, port=args.port, log=not args.no_log, latency=args.latency_ms / 1000)
    print(f"portal of {args.articles} articles at {server.base_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
