"""A second crawl of an unchanged site full of traps reads its first listing pages and stops: no article
fetched again, a few listing pages, the traps counted in its run row (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.settings import Settings
from storage.db import connect
from tests.crawl.trap_site import ARTICLE_PATTERN, ARTICLES, PER_PAGE, serving_trap_site
from tests.helpers import local_source, run_cli, write_sources

pytestmark = pytest.mark.integration

LISTING_PAGES = 1 + ARTICLES // PER_PAGE


def test_a_recrawl_does_not_walk_the_site_again(settings: Settings, tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.toml"
    env = {"SOURCES_FILE": str(sources_file)}
    with serving_trap_site() as site:
        write_sources(sources_file, [local_source(site.base_url, name="traps", article_pattern=ARTICLE_PATTERN)])
        run_cli(settings, "crawl", "traps", env=env)
        first = list(site.log)
        run_cli(settings, "crawl", "traps", env=env)
        second = site.log[len(first) :]
    articles = [p for p in second if p.endswith("-story-of-the-day.html")]
    print(f"first crawl {len(first)} requests, second {len(second)}: {sorted(second)}")
    assert len([p for p in first if p.endswith("-story-of-the-day.html")]) == ARTICLES
    assert len(first) <= 2 * (ARTICLES + LISTING_PAGES)
    assert articles == []  # remembered, within the revisit interval: not even a conditional request
    assert len(second) <= LISTING_PAGES + 10  # robots.txt, the home page, a few listings, no archive walk
    with connect(settings.database_url) as conn:
        runs = conn.execute("SELECT status, pages_new, pages_trapped FROM crawl_runs ORDER BY id").fetchall()
    assert [r["status"] for r in runs] == ["finished", "finished"]
    assert runs[0]["pages_new"] == ARTICLES and runs[0]["pages_trapped"] > 0
    assert runs[1]["pages_new"] == 0 and runs[1]["pages_trapped"] > 0
