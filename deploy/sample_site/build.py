"""Render content/*.txt into www/: each outlet's articles and paginated listings, in its own style.

Run `python -m deploy.sample_site.build` after editing content; tests check www/ is up to date.
The pages carry the traps of real news sites: teaser blocks with their own dates and view counts,
photo credits, inline "read also" links, comments, menus, scripts, and one outlet in cp1251.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from deploy.sample_site.content import Article, load_site
from deploy.sample_site.sites import BY_NAME, SITES, Site

WWW_DIR = Path(__file__).with_name("www")
PER_PAGE = 4

RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def ru_views(n: int) -> str:
    """2 741 просмотр, 2 603 просмотра, 1 100 просмотров (with a no-break space as thousands mark)."""
    last2, last = n % 100, n % 10
    word = "просмотров"
    if last == 1 and last2 != 11:
        word = "просмотр"
    elif 2 <= last <= 4 and not 12 <= last2 <= 14:
        word = "просмотра"
    return f"{n:,}".replace(",", "\u00a0") + " " + word


def en_views(n: int) -> str:
    return f"{n / 1000:.1f}K views".replace(".0K", "K") if n >= 1000 else f"{n} views"


def iso(article: Article) -> str:
    zone = ZoneInfo(BY_NAME[article.site].timezone)
    return article.published.replace(tzinfo=zone).isoformat()


def e(text: str) -> str:
    return escape(text, quote=True)


# ---------------------------------------------------------------- Вологда-поиск (regional portal)


def vologda_url(a: Article) -> str:
    return f"/vologda/news/{a.get('section')}/{a.get('id')}-{a.slug}.html"


def vologda_article(a: Article, all_articles: list[Article]) -> str:
    week = [x for x in sorted(all_articles, key=lambda x: x.published, reverse=True) if x is not a][:3]
    teasers = "\n".join(
        f"""      <div class="news-card">
        <a class="news-card__title" href="{vologda_url(t)}">{e(t.title)}</a>
        <div class="news-card__lead">{e(t.get("teaser") or t.paragraphs[0][:140])}</div>
        <div class="news-card__info"><span class="news-card__date">{t.published:%d-%m-%Y}</span>
          <span class="news-card__views">{ru_views(t.views or 0)}</span></div>
      </div>"""
        for t in week
    )
    image = (
        f"""<div class="news-photo"><img src="{a.get("image")}" alt="{e(a.title)}">
        <div class="news-photo__source">Фото: {e(a.get("credit"))}</div></div>"""
        if a.get("image")
        else f'<div class="news-photo__source">Фото: {e(a.get("credit"))}</div>'
    )
    body = "\n".join(f"        <p>{e(p)}</p>" for p in a.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>{e(a.title)} | Вологда-поиск</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{e(a.title)}">
<meta property="og:site_name" content="Вологда-поиск">
<link rel="canonical" href="{vologda_url(a)}">
<link rel="stylesheet" href="/vologda/static/main.css">
<script>window.yaContextCb=window.yaContextCb||[]</script>
<script src="/vologda/static/ads.js" async></script>
</head>
<body>
<header class="header">
  <a class="logo" href="/vologda/">Вологда-поиск</a>
  <nav class="menu">
    <a href="/vologda/news/">Новости</a> <a href="/vologda/news/">Авто</a> <a href="/vologda/news/">Спорт</a>
    <a href="/vologda/news/">Город</a> <a href="/vologda/news/">Происшествия</a> <a href="/vologda/afisha/">Афиша</a>
  </nav>
  <div class="weather">Вологда −12°</div>
</header>
<div class="banner" id="adfox_top">Реклама</div>
<main class="content">
  <div class="breadcrumbs"><a href="/vologda/">Главная</a> / <a href="/vologda/news/">Новости</a></div>
  <article class="news-detail">
    <div class="news-detail__top">
      <a class="news-detail__rubric" href="/vologda/news/">{e(a.get("rubric"))}</a>
      <span class="news-detail__date">{a.published:%d-%m-%Y %H:%M}</span>
      <span class="news-detail__views" title="Просмотры">{a.views}</span>
    </div>
    <h1>{e(a.title)}</h1>
    <div class="news-detail__source">Вологда-поиск</div>
    {image}
    <div class="news-detail__text">
{body}
    </div>
    <div class="share">Поделиться: <a href="#">ВКонтакте</a> <a href="#">Одноклассники</a> <a href="#">Telegram</a></div>
    <div class="subscribe">Подписывайтесь на Вологда-поиск в Telegram и Дзен, чтобы первыми узнавать новости</div>
  </article>
  <section class="week-news">
    <h2>Главные новости Вологды за неделю</h2>
{teasers}
  </section>
  <section class="comments">
    <h3>Комментарии (2)</h3>
    <div class="comment"><b>Сергей</b> <span>вчера в 21:14</span><p>Посмотрим, что из этого выйдет.</p></div>
    <div class="comment"><b>Ирина В.</b> <span>2 часа назад</span><p>Спасибо за новость!</p></div>
    <form class="comment-form"><textarea placeholder="Ваш комментарий"></textarea><button>Отправить</button></form>
  </section>
</main>
<footer class="footer">
  <p>© 2007–2026 Вологда-поиск. Сетевое издание. 18+</p>
  <p><a href="/vologda/about/">О проекте</a> <a href="/vologda/ads/">Реклама на сайте</a></p>
</footer>
<script>(function(m,e,t,r,i,k,a){{m[i]=m[i]||function(){{(m[i].a=m[i].a||[]).push(arguments)}};}})(window,document,"script","/metrika.js","ym");</script>
</body>
</html>
"""


def vologda_listing(items: list[Article], page: int, pages: int) -> str:
    cards = "\n".join(
        f"""  <div class="news-item"><a href="{vologda_url(a)}">{e(a.title)}</a>
    <span class="date">{a.published:%d-%m-%Y}</span> <span class="views">{ru_views(a.views or 0)}</span></div>"""
        for a in items
    )
    return _listing_page("ru", "Новости — Вологда-поиск", cards, _pager("/vologda/news/", page, pages))


# ---------------------------------------------------------------- Газета Дня (federal outlet)


def federal_url(a: Article) -> str:
    return f"/federal/{a.get('section')}/{a.published:%Y/%m/%d}/{a.slug}.shtml"


def federal_article(a: Article, all_articles: list[Article]) -> str:
    others = [x for x in all_articles if x is not a]
    published = iso(a)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": published,
        "author": {"@type": "Person", "name": a.get("author")},
        "publisher": {"@type": "Organization", "name": "Газета Дня"},
        "articleSection": a.get("rubric"),
    }
    paragraphs = [f"      <p>{e(p)}</p>" for p in a.paragraphs]
    related = others[0]
    # An inline "read also" link in the middle of the text, as federal outlets do.
    paragraphs.insert(
        min(2, len(paragraphs)),
        f'      <div class="inline-related">Читайте также: <a href="{federal_url(related)}">'
        f"{e(related.title)}</a></div>",
    )
    figure = ""
    if a.get("image"):
        figure = f"""<figure class="article__photo"><img src="{a.get("image")}" alt="">
      <figcaption>{e(a.get("caption"))} <span class="article__credit">Фото: {e(a.get("credit"))}</span></figcaption>
    </figure>"""
    else:
        figure = f'<div class="article__credit">Фото: {e(a.get("credit"))}</div>'
    main_news = "\n".join(
        f'    <li><time>{x.published:%H:%M}</time> <a href="{federal_url(x)}">{e(x.title)}</a></li>' for x in others[:5]
    )
    body = "\n".join(paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>{e(a.title)} — Газета Дня</title>
<meta name="description" content="{e(a.paragraphs[0][:160])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(a.title)}">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="{e(a.get("rubric"))}">
<link rel="canonical" href="{federal_url(a)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script>var gd_counter = {{"id": 4471}};</script>
</head>
<body class="page-article">
<div class="topline"><a href="/federal/">Газета Дня</a>
  <ul class="nav"><li><a href="/federal/news/">Новости</a></li><li><a href="/federal/news/">Экономика</a></li>
  <li><a href="/federal/news/">Общество</a></li><li><a href="/federal/news/">Авто</a></li></ul>
  <span class="rates">USD 81,20 · EUR 94,05</span></div>
<div class="layout">
  <article class="article" itemscope itemtype="https://schema.org/NewsArticle">
    <div class="article__meta"><a class="article__rubric" href="/federal/news/">{e(a.get("rubric"))}</a>
      <time class="article__date" datetime="{published}">{a.published.day} {RU_MONTHS[a.published.month - 1]} {a.published:%Y, %H:%M}</time></div>
    <h1 class="article__title" itemprop="headline">{e(a.title)}</h1>
    <div class="article__author">Автор: {e(a.get("author"))}</div>
    {figure}
    <div class="article__text" itemprop="articleBody">
{body}
    </div>
    <div class="article__tags">Теги: <a href="#">{e(a.get("rubric"))}</a></div>
    <div class="article__subscribe">Новости Газеты Дня — в нашем канале. Подписывайтесь!</div>
  </article>
  <aside class="sidebar">
    <h3>Главное</h3>
    <ul>
{main_news}
    </ul>
    <div class="adv">Реклама · 0+</div>
  </aside>
</div>
<div class="comments-widget" data-id="{a.slug}">Комментарии загружаются…</div>
<footer>© Газета Дня, 2025. Все права защищены. При цитировании ссылка обязательна.</footer>
</body>
</html>
"""


def federal_listing(items: list[Article], page: int, pages: int) -> str:
    cards = "\n".join(
        f"""  <div class="feed-item"><time>{x.published:%d.%m.%Y %H:%M}</time>
    <a href="{federal_url(x)}">{e(x.title)}</a></div>"""
        for x in items
    )
    return _listing_page("ru", "Новости — Газета Дня", cards, _pager("/federal/news/", page, pages))


# ---------------------------------------------------------------- Маркет Репорт (wire, cp1251)


def mrc_url(a: Article) -> str:
    return f"/mrc/news/{a.get('id')}.htm"


def mrc_article(a: Article, all_articles: list[Article]) -> str:
    first, *rest = a.paragraphs
    paras = [f"{a.get('city')} (Маркет Репорт) -- {first}", *rest]
    body = "\n".join(f"<p>{e(p)}</p>" for p in paras) + f"\n<p><b>{e(a.get('agency'))}</b></p>"
    latest = "\n".join(
        f'<tr><td class="d">{x.published:%d.%m.%Y}</td><td><a href="{mrc_url(x)}">{e(x.title)}</a></td></tr>'
        for x in all_articles
        if x is not a
    )
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>{e(a.title)} - Маркет Репорт</title>
<link rel="stylesheet" href="/mrc/css/style.css">
</head>
<body bgcolor="#ffffff">
<table width="100%" cellpadding="0" cellspacing="0">
<tr><td colspan="2" class="top"><a href="/mrc/">Маркет Репорт</a> | Новости рынка полимеров |
<a href="/mrc/subscribe.htm">Подписка</a> | <a href="/mrc/login.htm">Вход</a></td></tr>
<tr>
<td valign="top" width="75%">
<div class="newsdate">{a.published:%d.%m.%Y %H:%M}</div>
<div class="rubric">{e(a.get("rubric"))}</div>
<h1>{e(a.title)}</h1>
<div class="newstext">
{body}
</div>
<div class="print"><a href="javascript:window.print()">Версия для печати</a></div>
</td>
<td valign="top" class="right">
<b>Последние новости</b>
<table>
{latest}
</table>
<div class="banner">Подписка на мониторинг цен — 30% скидка</div>
</td>
</tr>
</table>
<div class="copy">Copyright © 2003-2026 Маркет Репорт. Перепечатка материалов только с разрешения редакции.</div>
</body>
</html>
"""


def mrc_listing(items: list[Article], page: int, pages: int) -> str:
    rows = "\n".join(
        f'<tr><td>{x.published:%d.%m.%Y}</td><td><a href="{mrc_url(x)}">{e(x.title)}</a></td></tr>' for x in items
    )
    pager = " ".join(
        f'<a href="{"/mrc/" if n == 1 else f"/mrc/news/list-{n}.htm"}">{n}</a>' for n in range(1, pages + 1)
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Новости - Маркет Репорт</title></head>
<body><table>{rows}</table><div class="pages">{pager}</div></body></html>
"""


# ---------------------------------------------------------------- Metro Tribune (English daily)


def metro_url(a: Article) -> str:
    return f"/metro/{a.published:%Y/%m/%d}/{a.slug}/"


def metro_article(a: Article, all_articles: list[Article]) -> str:
    most_read = "\n".join(
        f'      <li><a href="{metro_url(x)}">{e(x.title)}</a> <span class="views">{en_views(x.views or 0)}</span></li>'
        for x in sorted(all_articles, key=lambda x: -(x.views or 0))
        if x is not a
    )
    hour = a.published.strftime("%I:%M").lstrip("0")
    ampm = "a.m." if a.published.hour < 12 else "p.m."
    stamp = f"{a.published:%B} {a.published.day}, {a.published:%Y} at {hour} {ampm} EST"
    photo = ""
    if a.get("image"):
        photo = f"""<figure class="lead-art"><img src="{a.get("image")}" alt="">
      <figcaption>{e(a.get("caption"))} <span class="credit">Photo: {e(a.get("credit"))}</span></figcaption></figure>"""
    else:
        photo = f'<p class="credit">Photo: {e(a.get("credit"))}</p>'
    body = "\n".join(f"      <p>{e(p)}</p>" for p in a.paragraphs)
    return f"""<!doctype html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<title>{e(a.title)} - Metro Tribune</title>
<meta name="author" content="{e(a.get("author"))}">
<meta property="og:title" content="{e(a.title)}">
<meta property="article:published_time" content="{iso(a)}">
<link rel="canonical" href="{metro_url(a)}">
<script async src="/metro/js/analytics.js"></script>
</head>
<body>
<nav class="site-nav"><a href="/metro/">Metro Tribune</a>
  <a href="/metro/">Local</a> <a href="/metro/">Business</a> <a href="/metro/">Sports</a> <a href="/metro/">Weather</a>
  <a class="subscribe" href="/metro/subscribe/">Subscribe for $1</a></nav>
<main>
  <article>
    <div class="kicker">{e(a.get("rubric"))}</div>
    <h1 class="headline">{e(a.title)}</h1>
    <div class="byline">By <span class="author">{e(a.get("author"))}</span> ·
      <time datetime="{iso(a)}">{stamp}</time> · <span class="views">{en_views(a.views or 0)}</span></div>
    {photo}
    <div class="story-body">
{body}
    </div>
    <aside class="newsletter">Get the Morning Briefing in your inbox. <a href="/metro/newsletters/">Sign up</a></aside>
  </article>
  <aside class="most-read">
    <h2>Most Read</h2>
    <ol>
{most_read}
    </ol>
  </aside>
  <section class="comments"><h2>Comments</h2><p>Comments are closed for this story.</p></section>
</main>
<footer>© 2026 Metro Tribune Media. All rights reserved. <a href="/metro/privacy/">Privacy</a></footer>
</body>
</html>
"""


def metro_listing(items: list[Article], page: int, pages: int) -> str:
    cards = "\n".join(
        f'  <div class="card"><a href="{metro_url(x)}">{e(x.title)}</a> <time>{x.published:%b %d, %Y}</time></div>'
        for x in items
    )
    return _listing_page("en", "Latest news - Metro Tribune", cards, _pager("/metro/", page, pages, "page/{n}/"))


# ---------------------------------------------------------------- shared


def _pager(base: str, page: int, pages: int, shape: str = "page-{n}.html") -> str:
    links = []
    if page > 1:
        links.append(f'<a rel="prev" href="{base if page == 2 else base + shape.format(n=page - 1)}">‹</a>')
    if page < pages:
        links.append(f'<a rel="next" href="{base + shape.format(n=page + 1)}">›</a>')
    return " ".join(links)


def _listing_page(lang: str, title: str, cards: str, pager: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(title)}</title></head>
<body><h1>{e(title)}</h1>
{cards}
<div class="pager">{pager}</div>
</body></html>
"""


Renderer = tuple[Callable[[Article], str], Callable[[Article, list[Article]], str], Callable[..., str]]
RENDERERS: dict[str, Renderer] = {
    "vologda": (vologda_url, vologda_article, vologda_listing),
    "federal": (federal_url, federal_article, federal_listing),
    "mrc": (mrc_url, mrc_article, mrc_listing),
    "metro": (metro_url, metro_article, metro_listing),
}
LISTING_PATHS = {
    "vologda": ("/vologda/news/", "/vologda/news/page-{n}.html"),
    "federal": ("/federal/news/", "/federal/news/page-{n}.html"),
    "mrc": ("/mrc/", "/mrc/news/list-{n}.htm"),
    "metro": ("/metro/", "/metro/page/{n}/"),
}


def article_url(article: Article) -> str:
    return RENDERERS[article.site][0](article)


def render_site(site: Site) -> dict[str, str]:
    """URL path -> page text."""
    url_of, article_page, listing_page = RENDERERS[site.name]
    articles = sorted(load_site(site.name), key=lambda a: a.published, reverse=True)
    pages: dict[str, str] = {url_of(a): article_page(a, articles) for a in articles}
    count = (len(articles) + PER_PAGE - 1) // PER_PAGE
    first, other = LISTING_PATHS[site.name]
    for n in range(1, count + 1):
        chunk = articles[(n - 1) * PER_PAGE : n * PER_PAGE]
        pages[first if n == 1 else other.format(n=n)] = listing_page(chunk, n, count)
    if site.start_path != first:
        pages[site.start_path] = _listing_page("ru", site.title, f'<a href="{first}">Все новости</a>', "")
    return pages


def file_for(url_path: str) -> Path:
    relative = url_path.lstrip("/")
    if relative.endswith("/") or not relative:
        relative += "index.html"
    return WWW_DIR / relative


def build(www_dir: Path = WWW_DIR) -> int:
    if www_dir.exists():
        shutil.rmtree(www_dir)
    written = 0
    for site in SITES:
        for url_path, text in render_site(site).items():
            target = www_dir / file_for(url_path).relative_to(WWW_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode(site.encoding, errors="xmlcharrefreplace"))
            written += 1
    (www_dir / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="ascii")
    return written


if __name__ == "__main__":
    print(f"wrote {build()} pages to {WWW_DIR}")
