"""Sources: the news sites to crawl, read from a TOML file ([[source]] tables)."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy_project.discovery import looks_like_article


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    # Pages whose URL matches are articles: archived and normalized. Empty: URLs that news sitemaps and
    # feeds list, and links that look like articles (discovery.looks_like_article).
    article_pattern: str = ""
    # Links to follow; empty means every link inside the allowed domains.
    follow_pattern: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def is_article(self, url: str, listed_as_news: bool = False) -> bool:
        if not self.article_pattern:
            return listed_as_news or looks_like_article(url)
        return re.search(self.article_pattern, url) is not None

    def setting(self, key: str, default: float) -> float:
        """A numeric per-source setting from the sources file (see deploy/sources.toml)."""
        return float(self.extra.get(key, default))  # type: ignore[arg-type]

    @property
    def drop_params(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self.extra.get("drop_params", ()))  # type: ignore[attr-defined]

    def allows_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def follows(self, url: str) -> bool:
        return not self.follow_pattern or re.search(self.follow_pattern, url) is not None

    def as_config(self) -> dict[str, object]:
        return {
            "start_urls": list(self.start_urls),
            "allowed_domains": list(self.allowed_domains),
            "article_pattern": self.article_pattern,
            "follow_pattern": self.follow_pattern,
            **self.extra,
        }


class SourcesError(ValueError):
    pass


# Every key a [[source]] table may hold (README, "Sources"); a misspelt one is an error, not a silent default.
SOURCE_KEYS = frozenset(
    {"name", "start_urls", "allowed_domains", "article_pattern", "follow_pattern", "timezone", "rules",
     "drop_params", "crawl_every_minutes", "concurrency", "delay", "allow_private_addresses", "revisit_days",
     "revisit_after_minutes", "max_depth", "max_pages", "max_minutes", "listing_days", "max_query_variants",
     "barren_pages"}
)  # fmt: skip


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, sorted(SOURCE_KEYS), n=1, cutoff=0.6)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def parse_sources(data: dict[str, object], origin: str = "sources") -> list[Source]:
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{origin}: expected [[source]] tables")
    sources = [_source(entry, origin) for entry in entries]
    names = [s.name for s in sources]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SourcesError(f"{origin}: duplicate source names {sorted(duplicates)}")
    return sources


def load_sources(path: str | Path) -> list[Source]:
    with open(path, "rb") as fh:
        return parse_sources(tomllib.load(fh), origin=str(path))


def _source(entry: dict[str, object], origin: str) -> Source:
    try:
        name = str(entry["name"])
        start_urls = tuple(str(u) for u in entry["start_urls"])  # type: ignore[attr-defined]
        article_pattern = str(entry.get("article_pattern", ""))
    except KeyError as exc:
        raise SourcesError(f"{origin}: source {entry.get('name', '?')!r} lacks {exc.args[0]!r}") from None
    if not start_urls:
        raise SourcesError(f"{origin}: source {name!r} has no start_urls")
    domains = entry.get("allowed_domains") or sorted({urlsplit(u).hostname or "" for u in start_urls})
    for pattern in (article_pattern, str(entry.get("follow_pattern", ""))):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SourcesError(f"{origin}: source {name!r}: bad pattern {pattern!r}: {exc}") from None
    unknown = sorted(set(entry) - SOURCE_KEYS)
    if unknown:
        raise SourcesError(f"{origin}: source {name!r}: " + "; ".join(_unknown_key(key) for key in unknown))
    known = {"name", "start_urls", "allowed_domains", "article_pattern", "follow_pattern"}
    return Source(
        name=name,
        start_urls=start_urls,
        allowed_domains=tuple(str(d) for d in domains),  # type: ignore[union-attr]
        article_pattern=article_pattern,
        follow_pattern=str(entry.get("follow_pattern", "")),
        extra={k: v for k, v in entry.items() if k not in known},
    )
