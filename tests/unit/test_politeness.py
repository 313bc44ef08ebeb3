"""Politeness settings reach Scrapy: per-host slots from the sources, AutoThrottle and User-Agent from the
environment, and a source's fixed delay is kept out of AutoThrottle's hands."""

from __future__ import annotations

from deploy.settings import Settings
from scrapy_project.run import download_slots, scrapy_settings
from scrapy_project.sources import Source
from scrapy_project.spiders.news import NewsSpider


def source(name: str, host: str, **extra: object) -> Source:
    return Source(name=name, start_urls=(f"https://{host}/",), allowed_domains=(host,), extra=dict(extra))


def test_download_slots_from_sources() -> None:
    slots = download_slots(
        [
            source("a", "vologda-poisk.ru", concurrency=2, delay=1.5),
            source("b", "www.mrcplast.ru"),
            # Two sources on one host: the stricter values win.
            source("c", "lenta.ru", concurrency=8),
            source("d", "lenta.ru", concurrency=4, delay=0.5),
        ]
    )
    assert slots == {
        "vologda-poisk.ru": {"concurrency": 2, "delay": 1.5},
        "lenta.ru": {"concurrency": 4, "delay": 0.5},
    }


def test_environment_reaches_scrapy() -> None:
    app = Settings.from_env(
        {"CRAWL_USER_AGENT": "monitor/2 (+mailto:ops@example.org)", "CRAWL_HOST_CONCURRENCY": "3",
         "CRAWL_AUTOTHROTTLE_TARGET": "1.5"}
    )  # fmt: skip
    settings = scrapy_settings(app, sources=[source("a", "vologda-poisk.ru", delay=2)])
    assert settings["USER_AGENT"] == "monitor/2 (+mailto:ops@example.org)"
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 1.5
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getdict("DOWNLOAD_SLOTS") == {"vologda-poisk.ru": {"delay": 2.0}}
    off = scrapy_settings(Settings.from_env({"CRAWL_AUTOTHROTTLE_TARGET": "0"}))
    assert not off.getbool("AUTOTHROTTLE_ENABLED")


def test_fixed_delay_is_not_adjusted_by_autothrottle() -> None:
    fixed = NewsSpider(source("a", "vologda-poisk.ru", delay=2)).request("https://vologda-poisk.ru/news/")
    adaptive = NewsSpider(source("b", "lenta.ru")).request("https://lenta.ru/news/?utm_source=x")
    assert fixed.meta.get("autothrottle_dont_adjust_delay") is True
    assert "autothrottle_dont_adjust_delay" not in adaptive.meta
    assert adaptive.url == "https://lenta.ru/news/"
