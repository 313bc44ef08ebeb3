"""The shipped sample site: built from content/, big enough, served with the right bytes and charsets."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from deploy.sample_site.build import WWW_DIR, article_url, build, file_for
from deploy.sample_site.content import load_site
from deploy.sample_site.server import SampleSiteServer
from deploy.sample_site.sites import SITES, sample_sources


def test_www_is_up_to_date_with_content(tmp_path: Path) -> None:
    build(tmp_path)
    built = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    shipped = {p.relative_to(WWW_DIR): p.read_bytes() for p in WWW_DIR.rglob("*") if p.is_file()}
    assert built == shipped, "run: python -m deploy.sample_site.build"


def test_at_least_thirty_articles_each_matching_its_source_pattern() -> None:
    articles = [a for site in SITES for a in load_site(site.name)]
    assert len(articles) >= 30
    sources = {s.name: s for s in sample_sources("http://127.0.0.1:1")}
    for a in articles:
        assert sources[f"sample-{a.site}"].is_article("http://127.0.0.1:1" + article_url(a)), a.slug
        assert file_for(article_url(a)).is_file()


def test_listing_pages_are_not_articles() -> None:
    sources = sample_sources("http://127.0.0.1:1")
    for path in WWW_DIR.rglob("*.htm*"):
        url = "http://127.0.0.1:1/" + str(path.relative_to(WWW_DIR)).removesuffix("index.html")
        matches = [s.name for s in sources if s.is_article(url)]
        assert len(matches) <= 1
        if re.search(r"(index|page-\d+|list-\d+)\.html?$|/page/\d+/$|/(vologda|federal|mrc|metro)/$", url):
            assert not matches, url


def test_server_sends_exact_bytes_and_charset() -> None:
    article = load_site("mrc")[0]
    with SampleSiteServer() as server:
        with urllib.request.urlopen(server.base_url + article_url(article)) as response:
            assert response.headers["Content-Type"] == "text/html; charset=windows-1251"
            assert response.read() == file_for(article_url(article)).read_bytes()
        assert server.log.paths() == [article_url(article)]


def test_wire_pages_are_really_cp1251() -> None:
    body = file_for(article_url(load_site("mrc")[0])).read_bytes()
    assert "МОСКВА (Маркет Репорт) --".encode("cp1251") in body
    assert "МОСКВА".encode() not in body
