"""Helpers shared by tests."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy_project.sources import Source


def write_sources(path: Path, sources: list[Source]) -> None:
    # JSON strings are valid TOML basic strings.
    blocks = [
        "[[source]]\n"
        f"name = {json.dumps(s.name)}\n"
        f"start_urls = {json.dumps(list(s.start_urls))}\n"
        f"allowed_domains = {json.dumps(list(s.allowed_domains))}\n"
        f"article_pattern = {json.dumps(s.article_pattern)}\n"
        f"follow_pattern = {json.dumps(s.follow_pattern)}\n"
        for s in sources
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
