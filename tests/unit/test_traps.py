"""Crawl traps judged on the links a listing yields (scrapy_project/traps.py)."""

from __future__ import annotations

from datetime import date

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from scrapy_project.spiders.news import ARTICLE
from scrapy_project.traps import BARREN, TrapMiddleware, dated_outside, repeats_segment

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("url", "trapped"),
    [
        ("https://n.example/calendar/2026-11-24", False),
        ("https://n.example/calendar/2026-11-26", False),  # tomorrow: a site in another zone
        ("https://n.example/calendar/2026-11-10", True),
        ("https://n.example/calendar/2031-01-01", True),  # the calendar walks forward too
        ("https://n.example/archive/2026/11/", False),  # this month
        ("https://n.example/archive/2019/05/", True),
        ("https://n.example/archive/2019/", True),
        ("https://n.example/news/?date=20191012", True),
        ("https://n.example/news/?page=3", False),
        ("https://n.example/rubric/politics/", False),
    ],
)
def test_dated_listings_outside_the_recent_window_are_calendar_traps(url: str, trapped: bool) -> None:
    assert dated_outside(url, TODAY, days=7) is trapped


def test_repeating_path_segments() -> None:
    assert repeats_segment("https://n.example/news/more/more/more/", 2)
    assert not repeats_segment("https://n.example/news/2026/11/news-of-the-day.html", 2)


def _listing(url: str, links: list[tuple[str, bool]], barren: int = 0) -> tuple[HtmlResponse, list[Request]]:
    request = Request(url, meta={ARTICLE: False, BARREN: barren})
    response = HtmlResponse(url, body=b"<html></html>", headers={"Content-Type": "text/html"}, request=request)
    return response, [Request(link, meta={ARTICLE: article}) for link, article in links]


def _middleware() -> TrapMiddleware:
    crawler = get_crawler()
    crawler.stats = StatsCollector(crawler)
    return TrapMiddleware(crawler)


def test_pagination_without_new_articles_ends_after_three_pages() -> None:
    trap = _middleware()
    response, out = _listing("https://n.example/news/?page=1", [("https://n.example/news/1-a-b.html", True),
                                                               ("https://n.example/news/?page=2", False)])  # fmt: skip
    followed = list(trap.process_spider_output(response, out))
    assert len(followed) == 2 and followed[1].meta[BARREN] == 0
    barren = 0
    for page in range(2, 10):
        response, out = _listing(
            f"https://n.example/news/?page={page}",
            [("https://n.example/news/1-a-b.html", True), (f"https://n.example/news/?page={page + 1}", False)],
            barren,
        )
        nexts = [r for r in trap.process_spider_output(response, out) if not r.meta[ARTICLE]]
        if not nexts:
            break
        barren = nexts[0].meta[BARREN]
    assert page == 4  # pages 2, 3, 4 gave nothing new: page 4's next link is not followed
    assert trap.crawler.stats.get_value("newsarchive/trap/barren") == 1


def test_query_variants_of_one_path_are_capped_but_page_numbers_are_not() -> None:
    trap = _middleware()
    links = [(f"https://n.example/news/?page={n}", False) for n in range(50)]
    links += [(f"https://n.example/news/?sort={n}", False) for n in range(50)]
    response, out = _listing("https://n.example/news/", [("https://n.example/news/9-x-y.html", True), *links])
    followed = [r.url for r in trap.process_spider_output(response, out)]
    assert sum("page=" in u for u in followed) == 50
    assert sum("sort=" in u for u in followed) == 10
    assert trap.crawler.stats.get_value("newsarchive/trap/query") == 40


def test_article_links_are_never_judged() -> None:
    trap = _middleware()
    response, out = _listing(
        "https://n.example/news/", [("https://n.example/2019/05/12/old-story.html", True)], barren=5
    )
    assert len(list(trap.process_spider_output(response, out))) == 1
