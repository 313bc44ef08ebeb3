"""A generated news site of N article pages for benchmarks: listing pages of 50 links, article pages
of ~8 KB in the regional-portal style (menu, teasers, comments, scripts). Run as its own process so
the server does not share the crawler's GIL."""

from __future__ import annotations

import argparse
import random
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PER_LISTING = 50
WORDS = [
    "власти",
    "области",
    "сообщили",
    "что",
    "работы",
    "на",
    "объекте",
    "завершатся",
    "до",
    "конца",
    "года",
    "по",
    "данным",
    "регионального",
    "министерства",
    "строительства",
    "подрядчик",
    "выполнил",
    "основной",
    "объем",
    "работ",
    "жители",
    "смогут",
    "оценить",
    "результат",
    "уже",
    "весной",
    "после",
    "благоустройства",
    "прилегающей",
    "территории",
    "специалисты",
    "отмечают",
    "высокий",
    "спрос",
]


def article_html(n: int, articles: int) -> bytes:
    rng = random.Random(n)
    paragraphs = "\n".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))).capitalize() + ".</p>" for _ in range(6)
    )
    teasers = "\n".join(
        f'<div class="news-card"><a href="/news/{(n + k) % articles}.html">Новость номер {n + k}</a>'
        f'<span class="date">17-01-2026</span> <span class="views">{rng.randint(100, 5000)} просмотров</span></div>'
        for k in range(1, 4)
    )
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Новость {n}</title>
<script>window.ads=[];</script></head><body>
<nav class="menu"><a href="/">Главная</a> <a href="/list/1.html">Новости</a> <a href="/about.html">О нас</a></nav>
<article><div class="meta"><span class="rubric">Город</span> <span class="date">16-01-2026 12:{n % 60:02d}</span>
<span class="views">{rng.randint(100, 9000)}</span></div>
<h1>Заголовок новости номер {n}</h1>
<div class="photo">Фото: Вологда-поиск</div>
<div class="text">{paragraphs}</div></article>
<section class="week-news"><h2>Главные новости за неделю</h2>{teasers}</section>
<section class="comments"><h3>Комментарии</h3><p>Комментариев пока нет.</p></section>
<footer>© 2026 Пример. Все права защищены.</footer></body></html>""".encode()


def listing_html(page: int, pages: int, articles: int) -> bytes:
    first = (page - 1) * PER_LISTING
    links = "\n".join(
        f'<li><a href="/news/{i}.html">Новость {i}</a></li>' for i in range(first, min(first + PER_LISTING, articles))
    )
    nxt = f'<a href="/list/{page + 1}.html">Дальше</a>' if page < pages else ""
    return f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul>{nxt}</body></html>'.encode()


def make_handler(articles: int) -> type[BaseHTTPRequestHandler]:
    pages = (articles + PER_LISTING - 1) // PER_LISTING

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path
            body: bytes | None = None
            if path == "/":
                body = listing_html(1, pages, articles)
            elif path.startswith("/list/"):
                page = int(path.removeprefix("/list/").removesuffix(".html") or 0)
                body = listing_html(page, pages, articles) if 1 <= page <= pages else None
            elif path.startswith("/news/"):
                n = int(path.removeprefix("/news/").removesuffix(".html") or -1)
                body = article_html(n, articles) if 0 <= n < articles else None
            status = 200 if body is not None else 404
            body = body if body is not None else b"not found"
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.pages))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
