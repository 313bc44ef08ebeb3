"""The crawler's CPU per pipeline step (storage/step_cpu.py), one clock per crawler, left in the crawl's
stats as `newsarchive/cpu_seconds/<step>` when the spider closes (bench/e2e.py prints them per page)."""

from __future__ import annotations

import weakref

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from storage.step_cpu import StepCpu

STAT_PREFIX = "newsarchive/cpu_seconds/"


class CrawlSteps(StepCpu):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__()
        self.stats = crawler.stats
        crawler.signals.connect(self.publish, signal=signals.spider_closed)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlSteps:
        if crawler not in _steps:
            _steps[crawler] = cls(crawler)
        return _steps[crawler]

    def publish(self, spider: Spider) -> None:
        for step, seconds in self.snapshot().items():
            self.stats.set_value(STAT_PREFIX + step, round(seconds, 6))  # type: ignore[union-attr]


_steps: weakref.WeakKeyDictionary[Crawler, CrawlSteps] = weakref.WeakKeyDictionary()
