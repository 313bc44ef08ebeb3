"""Canonical URLs: every link form that leads to one article gives one URL."""

from __future__ import annotations

import pytest

from scrapy_project.urls import canonical, same_site
from workers.normalize import normalize_page

PLAIN = "https://vologda-poisk.ru/news/auto/12-novaya-trassa.html"


@pytest.mark.parametrize(
    "variant",
    [
        PLAIN,
        PLAIN + "?utm_source=vk&utm_medium=social&utm_campaign=promo",
        PLAIN + "?fbclid=IwAR0abc",
        PLAIN + "?yclid=123&ysclid=lq1x2y3",
        PLAIN + "#comments",
        "HTTPS://Vologda-Poisk.RU:443/news/auto/12-novaya-trassa.html?utm_content=teaser#top",
        PLAIN + "?_openstat=ZGlyZWN0",
    ],
)
def test_tracking_variants_are_one_url(variant: str) -> None:
    assert canonical(variant) == PLAIN


def test_meaningful_query_is_kept_and_sorted() -> None:
    assert (
        canonical("http://mrcplast.ru/news.php?utm_source=rss&page=2&id=7") == "http://mrcplast.ru/news.php?id=7&page=2"
    )


def test_source_specific_parameters_can_be_dropped() -> None:
    assert canonical("https://ria.ru/20260117/x.html?from=main&in=a", drop_params=["FROM"]) == (
        "https://ria.ru/20260117/x.html?in=a"
    )


def test_non_default_port_and_cyrillic_path() -> None:
    assert (
        canonical("http://127.0.0.1:8765/новости/1.html")
        == "http://127.0.0.1:8765/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1.html"
    )
    assert canonical("http://example.com:80") == "http://example.com/"


def test_same_site_ignores_www() -> None:
    assert same_site("https://www.kommersant.ru/doc/1", "https://kommersant.ru/doc/1?x=1")
    assert not same_site("https://kommersant.ru/doc/1", "https://evil.example/doc/1")


def _page(head: str) -> bytes:
    body = "<p>" + "Текст новости о строительстве дороги в области. " * 30 + "</p>"
    return (
        f'<html lang="ru"><head><meta charset="utf-8"><title>Т</title>{head}</head>'
        f"<body><article><h1>Заголовок</h1>{body}</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("head", "fetched", "expected"),
    [
        # The page names itself: that wins over the tracking-tagged URL that was fetched.
        ('<link rel="canonical" href="/news/auto/12-novaya-trassa.html">', PLAIN + "?utm_source=rss", PLAIN),
        (
            '<meta property="og:url" content="https://www.vologda-poisk.ru/news/auto/12-novaya-trassa.html">',
            PLAIN,
            "https://www.vologda-poisk.ru/news/auto/12-novaya-trassa.html",
        ),
        # An AMP copy points at the article.
        (
            '<link rel="canonical" href="https://vologda-poisk.ru/news/auto/12-novaya-trassa.html?utm_source=amp">',
            "https://vologda-poisk.ru/amp/12.html",
            PLAIN,
        ),
        # Another site's URL is not trusted: the fetched one, cleaned, is used.
        ('<link rel="canonical" href="https://aggregator.example/story/1">', PLAIN + "?fbclid=x", PLAIN),
        ("", PLAIN + "?utm_source=tg#x", PLAIN),
    ],
)
def test_record_url_is_canonical(head: str, fetched: str, expected: str) -> None:
    record = normalize_page(_page(head), url=fetched, content_type="text/html; charset=utf-8")
    assert record.url == expected


def test_session_ids_are_not_part_of_a_page_address() -> None:
    assert canonical("https://n.example/news/?page=2&PHPSESSID=abc123") == "https://n.example/news/?page=2"
    assert canonical("https://n.example/a.html?jsessionid=XYZ&id=5") == "https://n.example/a.html?id=5"
