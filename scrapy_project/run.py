"""Run crawls in this process with Scrapy's CrawlerProcess (one spider per source)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from deploy.settings import Settings
from scrapy_project.settings import from_app_settings
from scrapy_project.sources import Source
from scrapy_project.spiders.news import NewsSpider


def scrapy_settings(
    app: Settings, overrides: dict[str, Any] | None = None, sources: Iterable[Source] = ()
) -> ScrapySettings:
    settings = ScrapySettings()
    settings.setmodule("scrapy_project.settings", priority="project")
    settings.update(from_app_settings(app), priority="cmdline")
    settings.set("DOWNLOAD_SLOTS", download_slots(sources), priority="cmdline")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def download_slots(sources: Iterable[Source]) -> dict[str, dict[str, float]]:
    """Per-host concurrency and delay from the sources file (`concurrency`, `delay`). Scrapy keys its
    download slots by host name; two sources on one host get the stricter of their values."""
    slots: dict[str, dict[str, float]] = {}
    for source in sources:
        wanted = {k: source.setting(k, 0) for k in ("concurrency", "delay") if k in source.extra}
        for host in source.allowed_domains:
            slot = slots.setdefault(host, {})
            if "concurrency" in wanted:
                slot["concurrency"] = int(min(slot.get("concurrency", wanted["concurrency"]), wanted["concurrency"]))
            if "delay" in wanted:
                slot["delay"] = max(slot.get("delay", 0.0), wanted["delay"])
    return {host: slot for host, slot in slots.items() if slot}


# Source keys (sources file) -> the Scrapy settings of that source's crawler, and the unit conversion.
BUDGET_KEYS = {"max_depth": ("DEPTH_LIMIT", 1), "max_pages": ("CLOSESPIDER_PAGECOUNT", 1),
               "max_minutes": ("CLOSESPIDER_TIMEOUT", 60)}  # fmt: skip


STARTUP_LOGGERS = ("scrapy.utils.log", "scrapy.addons", "scrapy.middleware", "scrapy.crawler", "scrapy.statscollectors")

# Above "cmdline" (40): CrawlerProcess.crawl() merges its own settings into the crawler's at equal priority.
SOURCE_PRIORITY = 50


def budget(settings: ScrapySettings, source: Source) -> None:
    """A source's own run budget over the defaults (CRAWL_MAX_*), on its crawler's copy of the settings."""
    for key, (name, factor) in BUDGET_KEYS.items():
        if key in source.extra:
            settings.set(name, source.setting(key, 0) * factor, priority=SOURCE_PRIORITY)


def crawl(
    app: Settings,
    sources: Iterable[Source],
    overrides: dict[str, Any] | None = None,
    on_start: Callable[[list[Crawler]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the sources to the end; return each source's Scrapy stats. Blocks (runs the reactor)."""
    sources = list(sources)
    # The outage gate logs an outage once; the S3 client's warning per retried attempt would say it
    # hundreds of times a minute.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    settings = scrapy_settings(app, overrides, sources)
    # The CLI has set up logging already: a second root handler would print every line twice.
    settings.set("LOG_INSTALL_ROOT_HANDLER", not logging.getLogger().handlers, priority="cmdline")
    process = CrawlerProcess(settings)
    # Scrapy's start-up report (versions, every enabled component, overridden settings) and its closing stats
    # dump are a hundred lines at INFO; the command prints its own summary. DEBUG still shows them all.
    # (After CrawlerProcess: its logging set-up resets the levels of Scrapy's loggers.)
    if settings.get("LOG_LEVEL") != "DEBUG":
        for name in STARTUP_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    crawlers: dict[str, Crawler] = {}
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        budget(crawler.settings, source)
        crawlers[source.name] = crawler
        process.crawl(crawler, source=source)
    if on_start:
        on_start(list(crawlers.values()))
    process.start()
    return {name: dict(c.stats.get_stats()) if c.stats else {} for name, c in crawlers.items()}
