"""robots.txt, read once per host and run: Scrapy's RobotsTxtMiddleware fetches it to obey it, and the same
body gives the spider the site's `Sitemap:` lines (the spider used to fetch robots.txt a second time)."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spiders import Spider


class SitemapAwareRobotParser(ProtegoRobotParser):
    """Scrapy's default parser (Protego), keeping the body for the `robots_parsed` signal's receivers."""

    def __init__(self, robotstxt_body: bytes, spider: Spider | None) -> None:
        super().__init__(robotstxt_body, spider)
        self.body = robotstxt_body

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        return cls(robotstxt_body, crawler.spider if crawler else None)
