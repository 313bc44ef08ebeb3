"""Run crawls in this process with Scrapy's CrawlerProcess (one spider per source)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from deploy.settings import Settings
from scrapy_project.settings import service_settings
from scrapy_project.sources import Source
from scrapy_project.spiders.news import NewsSpider


def scrapy_settings(app: Settings, overrides: dict[str, Any] | None = None) -> ScrapySettings:
    settings = ScrapySettings()
    settings.setmodule("scrapy_project.settings", priority="project")
    settings.update(service_settings(app), priority="cmdline")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def crawl(
    app: Settings,
    sources: Iterable[Source],
    overrides: dict[str, Any] | None = None,
    on_start: Callable[[list[Crawler]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the sources to the end; return each source's Scrapy stats. Blocks (runs the reactor)."""
    process = CrawlerProcess(scrapy_settings(app, overrides))
    crawlers: dict[str, Crawler] = {}
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        crawlers[source.name] = crawler
        process.crawl(crawler, source=source)
    if on_start:
        on_start(list(crawlers.values()))
    process.start()
    return {name: dict(c.stats.get_stats()) if c.stats else {} for name, c in crawlers.items()}
