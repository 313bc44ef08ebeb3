"""A crawl with default settings ends by itself on a site full of traps, fetches every article, and spends
at most twice as many requests as there are article and listing pages (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.settings import Settings
from tests.crawl.trap_site import ARTICLE_PATTERN, ARTICLES, PER_PAGE, TrapSite, article_path, serving_trap_site
from tests.helpers import crawl_in_child, local_source, write_sources

LISTING_PAGES = 1 + ARTICLES // PER_PAGE  # home and the listing pages that hold articles


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TrapSite, dict]]:
    with serving_trap_site() as site:
        sources_file = tmp_path_factory.mktemp("traps") / "sources.toml"
        write_sources(sources_file, [local_source(site.base_url, name="traps", article_pattern=ARTICLE_PATTERN)])
        stats = crawl_in_child(sources_file, {"ITEM_PIPELINES": {}, "DATABASE_URL": ""}, timeout=120)["traps"]
        yield site, stats


def test_the_crawl_ends_by_itself_with_every_article(crawled: tuple[TrapSite, dict]) -> None:
    site, stats = crawled
    assert stats["finish_reason"] == "finished"
    for n in range(ARTICLES):
        assert site.requests_for(article_path(n)) == [article_path(n)]
    assert stats["item_scraped_count"] == ARTICLES


def test_traps_cost_at_most_as_many_requests_as_the_site_has_pages(crawled: tuple[TrapSite, dict]) -> None:
    site, stats = crawled
    assert len(site.log) <= 2 * (ARTICLES + LISTING_PAGES), sorted(site.log)
    assert not [p for p in site.log if "PHPSESSID" in p]  # a session id is not part of a page's address
    assert len(site.requests_for("/calendar/")) <= 10  # a week back and tomorrow, not the years around
    assert not site.requests_for("/news/more/more/more/")
    for kind in ("barren", "calendar", "repeat"):
        assert stats[f"newsarchive/trap/{kind}"] >= 1, kind
    assert stats["newsarchive/trapped"] == sum(v for k, v in stats.items() if k.startswith("newsarchive/trap/"))


def test_a_source_budget_ends_the_run(tmp_path: Path) -> None:
    with serving_trap_site() as site:
        source = local_source(site.base_url, name="traps", article_pattern=ARTICLE_PATTERN, max_pages=20)
        write_sources(tmp_path / "sources.toml", [source])
        stats = crawl_in_child(tmp_path / "sources.toml", {"ITEM_PIPELINES": {}, "DATABASE_URL": ""})["traps"]
    assert stats["finish_reason"] == "closespider_pagecount"
    # Scrapy lets what was in flight when the budget was reached finish.
    assert stats["response_received_count"] <= 20 + Settings().crawl_concurrency
