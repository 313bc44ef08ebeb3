"""Discovery parsing: robots Sitemap lines, sitemap kinds, feeds, and the default article test."""

from __future__ import annotations

import gzip

import pytest

from deploy.sample_site.generated import Portal, article_path
from deploy.sample_site.sites import SITES
from scrapy_project.discovery import (
    Listed,
    feed_links,
    looks_like_article,
    read_xml_listing,
    robots_sitemaps,
    sniff_xml,
)

BASE = "http://127.0.0.1:9"


def test_robots_sitemap_lines() -> None:
    robots = Portal(10).robots(BASE)
    assert robots_sitemaps(robots, BASE + "/robots.txt") == [BASE + "/sitemap_index.xml", BASE + "/news-sitemap.xml"]


def test_sitemap_index_and_gzipped_sitemap() -> None:
    portal = Portal(20)
    kind, entries = read_xml_listing(portal.sitemap_index(BASE), BASE + "/sitemap_index.xml")
    assert kind == "sitemapindex"
    assert [e.url for e in entries] == [BASE + "/sitemaps/articles-1.xml.gz"]
    raw = portal.sitemap(BASE, 1)
    assert raw is not None and raw[:2] == b"\x1f\x8b"
    kind, entries = read_xml_listing(sniff_xml(raw, 10**6) or b"", BASE)
    assert kind == "urlset"
    assert [e.url for e in entries][:2] == [BASE + article_path(1), BASE + article_path(6)]
    assert entries[0].date == "2026-01-17T08:53:00+00:00" and not entries[0].is_news


def test_news_sitemap_dates_mark_news() -> None:
    kind, entries = read_xml_listing(Portal(10).news_sitemap(BASE), BASE)
    assert kind == "urlset"
    assert [(e.url, e.is_news) for e in entries] == [(BASE + article_path(2), True), (BASE + article_path(7), True)]
    assert entries[0].date == "2026-01-17T08:46:00+00:00"


def test_rss_and_atom() -> None:
    portal = Portal(10)
    kind, entries = read_xml_listing(portal.rss(BASE), BASE)
    assert kind == "rss" and entries[0].url == BASE + article_path(3) + "?utm_source=rss"
    assert entries[0].date == "Sat, 17 Jan 2026 08:39:00 +0000"
    kind, entries = read_xml_listing(portal.atom(BASE), BASE)
    assert kind == "atom" and [e.url for e in entries] == [BASE + article_path(4), BASE + article_path(9)]


def test_rss_permalink_guid_and_rdf() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel>
      <item><title>a</title><guid>https://lenta.ru/news/2026/01/17/a/</guid></item>
      <item><title>b</title><guid isPermaLink="false">123</guid></item></channel></rss>"""
    assert read_xml_listing(rss, "https://lenta.ru/rss")[1] == [
        Listed("https://lenta.ru/news/2026/01/17/a/", None, True)  # the non-permalink item has no URL: left out
    ]


def test_hostile_xml_is_inert() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
    <urlset><url><loc>&lol2;</loc></url></urlset>"""
    kind, entries = read_xml_listing(bomb, BASE)
    assert kind == "urlset" and all("lol" not in e.url for e in entries)
    assert read_xml_listing(b"<html><body>not xml", BASE) == ("", [])
    assert sniff_xml(b"<!DOCTYPE html><html>", 100) is None
    assert sniff_xml(gzip.compress(b"x" * 1000), 100) is None  # larger than the cap once unpacked


def test_feed_links_in_head() -> None:
    links = [
        ("alternate", "application/rss+xml", "/rss.xml"),
        ("alternate", "text/html", "/m/"),
        ("stylesheet", "", "/a.css"),
    ]
    assert feed_links(links, "https://x.ru/news/") == ["https://x.ru/rss.xml"]


@pytest.mark.parametrize(
    "url",
    [
        "https://vologda-poisk.ru/news/avto/51688-benzin-tseny.html",
        "https://www.mrcplast.ru/news/406115.htm",
        "https://lenta.ru/news/2026/01/17/trassa/",
        "https://ria.ru/20260117/trassa-2031114.html",
        "https://www.kommersant.ru/doc/7412345",
        "https://metro.example/2026/01/10/marathon-route-change/",
        "https://tass.ru/ekonomika/26123456",
        "https://www.rbc.ru/economics/17/01/2026/678a1b2c9a79471234567890",
        "https://news.example.com/world/new-rules-for-electric-cars-approved",
    ],
)
def test_article_like_urls(url: str) -> None:
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://vologda-poisk.ru/news/",
        "https://vologda-poisk.ru/news/page-3.html",
        "https://vologda-poisk.ru/news/page/12/",
        "https://www.mrcplast.ru/news/?page=2",
        "https://lenta.ru/rubrics/economics/",
        "https://lenta.ru/tags/organizations/avtovaz/",
        "https://ria.ru/category_2031/",
        "https://example.ru/about.html",
        "https://example.ru/",
        "https://example.ru/search?q=2026",
    ],
)
def test_listing_like_urls(url: str) -> None:
    assert not looks_like_article(url)


def test_default_matches_every_sample_article() -> None:
    from deploy.sample_site.build import article_url
    from deploy.sample_site.content import load_site

    for site in SITES:
        for article in load_site(site.name):
            assert looks_like_article("http://127.0.0.1:1" + article_url(article)), article_url(article)
