"""Links are judged as they will be requested: canonical first, then the article test (issue 15)."""

from __future__ import annotations

from scrapy_project.discovery import Listed
from scrapy_project.sources import Source
from scrapy_project.spiders.news import ARTICLE, NewsSpider

SOURCE = Source(
    name="anchored",
    start_urls=("https://news.example/",),
    allowed_domains=("news.example",),
    article_pattern=r"/news/\d+-[\w-]+\.html$",  # anchored, as every source in deploy/sources.toml is
)


def test_a_tracking_tagged_link_is_an_article_under_an_anchored_pattern() -> None:
    spider = NewsSpider(SOURCE)
    [request] = spider.follow(Listed("https://news.example/news/343-novost.html?utm_source=rss&utm_medium=feed"))
    assert request.url == "https://news.example/news/343-novost.html"
    assert request.meta[ARTICLE] is True


def test_a_listing_link_stays_a_listing() -> None:
    spider = NewsSpider(SOURCE)
    [request] = spider.follow(Listed("https://news.example/news/?page=2&utm_source=x"))
    assert request.url == "https://news.example/news/?page=2"
    assert request.meta[ARTICLE] is False
