"""Discovery against a local portal that publishes robots.txt, a sitemap index, a news sitemap, RSS,
Atom and paginated listings, each article reachable by exactly one of them (real Scrapy, no services:
the item pipelines are switched off, the server log is the witness)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.sample_site.generated import CHANNELS, PER_LISTING, PortalServer, article_path, channel
from tests.helpers import crawl_in_child, local_source, serving_portal, write_sources

ARTICLES = 260  # 52 listed articles: two listing pages, so pagination is exercised


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PortalServer, dict]]:
    with serving_portal(ARTICLES) as server:
        sources_file = tmp_path_factory.mktemp("discovery") / "sources.toml"
        # No article_pattern: the default decides (news sitemap and feed entries, article-like links).
        write_sources(sources_file, [local_source(server.base_url)])
        stats = crawl_in_child(sources_file, {"ITEM_PIPELINES": {}, "DATABASE_URL": ""})["portal"]
        yield server, stats


def test_every_article_found_exactly_once(crawled: tuple[PortalServer, dict]) -> None:
    server, stats = crawled
    fetched = Counter(path for _, path, status in server.log if status == 200)
    for n in range(ARTICLES):
        assert fetched[article_path(n)] == 1, (n, channel(n))
    # Tracking-tagged links (listings, teasers, RSS) were requested under their canonical URL only.
    assert not [p for p in fetched if "utm_" in p]
    assert stats["item_scraped_count"] == ARTICLES


def test_each_discovery_path_was_used(crawled: tuple[PortalServer, dict]) -> None:
    server, stats = crawled
    fetched = {path for _, path, status in server.log if status == 200}
    assert {"/robots.txt", "/sitemap_index.xml", "/news-sitemap.xml", "/rss.xml", "/atom.xml"} <= fetched
    # Once: the robots middleware's copy also gives the spider its Sitemap lines.
    assert [p for _, p, _ in server.log].count("/robots.txt") == 1
    assert "/sitemaps/articles-1.xml.gz" in fetched
    assert {"/news/", "/news/?page=2"} <= fetched
    assert -(-ARTICLES // len(CHANNELS) // PER_LISTING) == 2
    for kind in ("sitemapindex", "urlset", "rss", "atom"):
        assert stats[f"newsarchive/discovery/{kind}"] >= 1


def test_robots_and_offsite_redirects_are_obeyed(crawled: tuple[PortalServer, dict]) -> None:
    server, stats = crawled
    assert not [p for _, p, _ in server.log if p.startswith("/private/")]
    assert stats["robotstxt/forbidden"] == 1
    # /go/away answered 302 to another host; the redirect was not followed.
    assert ("GET", "/go/away", 302) in server.log
    assert stats["offsite/filtered"] >= 1


def test_pages_that_are_not_articles_are_not_items(crawled: tuple[PortalServer, dict]) -> None:
    server, stats = crawled
    pages = {p for _, p, s in server.log if s == 200 and "-novost" not in p}
    assert "/about.html" in pages  # listed in the sitemap, fetched, but not an article
    assert stats["item_scraped_count"] == ARTICLES


def test_source_pattern_overrides_the_default(tmp_path: Path) -> None:
    with serving_portal(25) as server:
        # Only articles whose number starts with 1.
        source = replace(local_source(server.base_url), article_pattern=r"/news/1\d*-novost\.html$")
        write_sources(tmp_path / "sources.toml", [source])
        stats = crawl_in_child(tmp_path / "sources.toml", {"ITEM_PIPELINES": {}, "DATABASE_URL": ""})["portal"]
    assert stats["item_scraped_count"] == len([n for n in range(25) if str(n).startswith("1")])
