"""Crawl triggers for the workers. A crawl runs in a child process: Scrapy's reactor starts once per
process, and the worker must not import the crawler (it only knows the `newsarchive crawl` command)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrapy_project.sources import load_sources

DEFAULT_CRAWL_EVERY_MINUTES = 60


class CrawlFailed(RuntimeError):
    pass


def run_crawl(source_names: Sequence[str], sources_file: str, timeout: float, trigger: str = "task") -> str:
    """Crawl the named sources (all if empty); return the crawler's summary lines."""
    args = list(source_names) or ["--all"]
    cmd = [sys.executable, "-m", "deploy.cli", "crawl", *args, "--sources-file", sources_file, "--trigger", trigger]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise CrawlFailed(f"crawl {args} exited {result.returncode}: {result.stdout[-1000:]}{result.stderr[-2000:]}")
    return result.stdout


def beat_schedule(sources_file: str | Path) -> dict[str, dict[str, Any]]:
    """One periodic crawl per source, every `crawl_every_minutes` (sources file, default 60)."""
    path = Path(sources_file)
    if not path.is_file():
        return {}
    schedule = {}
    for source in load_sources(path):
        minutes = float(source.extra.get("crawl_every_minutes", DEFAULT_CRAWL_EVERY_MINUTES))  # type: ignore[arg-type]
        schedule[f"crawl-{source.name}"] = {
            "task": "newsarchive.crawl_source",
            "schedule": minutes * 60,
            "args": [source.name],
            "kwargs": {"trigger": "beat"},
        }
    return schedule
