"""The normalizer over the sample site's pages: article text kept, boilerplate gone, encodings decoded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import Article, load_site
from deploy.sample_site.server import content_type
from workers.normalize import clean_text, normalize_page

BASE = "http://127.0.0.1:8765"
ALL_ARTICLES = [a for site in ("vologda", "federal", "mrc", "metro") for a in load_site(site)]


def normalize_article(article: Article):  # type: ignore[no-untyped-def]
    path = file_for(article_url(article))
    return normalize_page(path.read_bytes(), url=BASE + article_url(article), content_type=content_type(path))


def by_slug(site: str, slug: str) -> Article:
    return next(a for a in load_site(site) if a.slug == slug)


@pytest.mark.parametrize("article", ALL_ARTICLES, ids=lambda a: f"{a.site}/{a.slug}")
def test_every_sample_article_keeps_its_title_and_paragraphs(article: Article) -> None:
    record = normalize_article(article)
    assert record.title == article.title
    assert record.url == BASE + article_url(article)  # the canonical link resolves to the same page
    for paragraph in article.paragraphs:
        assert clean_text(paragraph) in record.text
    assert record.published_at is not None and record.published_at.date() in {
        article.published.date(),
        (article.published - timedelta(days=1)).date(),
    }


def test_seed_000_teaser_block_does_not_leak_into_text() -> None:
    record = normalize_article(by_slug("vologda", "toyota-vozvrashchenie"))
    assert record.text.startswith("Концерн Toyota предпринял первые конкретные шаги")
    assert record.text.endswith("адаптированные к текущим условиям цепочки поставок.")
    for leaked in (
        "Главные новости Вологды",
        "17-01-2026",
        "просмотр",
        "Наталия Шевченко",
        "Комментарии",
        "Поделиться",
    ):
        assert leaked not in record.text
    assert record.language == "ru"


def test_seed_001_json_ld_date_with_offset() -> None:
    record = normalize_article(by_slug("federal", "toyota-dilery-vstrecha"))
    assert record.published_at == datetime(2025, 10, 29, 10, 15, tzinfo=timezone(timedelta(hours=3)))
    assert "Читайте также" not in record.text


def test_cp1251_wire_page_is_decoded() -> None:
    record = normalize_article(by_slug("mrc", "0001"))
    assert "Осиповичский завод автомобильных агрегатов" in record.text
    assert "Последние новости" not in record.text


def test_cp1251_page_decodes_from_meta_without_header_charset() -> None:
    article = by_slug("mrc", "0002")
    body = file_for(article_url(article)).read_bytes()
    record = normalize_page(body, url=BASE + article_url(article), content_type="text/html")
    assert "блочный полипропилен" in record.text


def test_english_page() -> None:
    record = normalize_article(by_slug("metro", "council-budget-vote"))
    assert record.language == "en"
    assert "Most Read" not in record.text and "Morning Briefing" not in record.text
    assert record.published_at == datetime(2026, 1, 16, 18, 40, tzinfo=timezone(timedelta(hours=-5)))


def test_content_hash_is_stable_and_tracks_text() -> None:
    article = by_slug("metro", "museum-reopening")
    assert normalize_article(article).content_hash == normalize_article(article).content_hash
    other = normalize_article(by_slug("metro", "marathon-route-change"))
    assert other.content_hash != normalize_article(article).content_hash


def test_clean_text_folds_odd_spaces_and_keeps_paragraphs() -> None:
    raw = "Цена\u00a0— 2\u202f741\u00a0руб.\u00ad\n\n  второй   абзац\u200b "
    assert clean_text(raw) == "Цена — 2 741 руб.\nвторой абзац"


def test_absurd_dates_and_counts_are_dropped_not_stored() -> None:
    body = (
        '<html lang="ru"><head><meta charset="utf-8"><title>Т</title>'
        '<meta property="article:published_time" content="9999-12-31T23:59:00+03:00"></head><body><article>'
        '<h1>Заголовок</h1><div class="views">Просмотров: 4000000000000000</div>'
        + "<p>Текст новости о строительстве дороги в области и о планах на следующий год.</p>" * 10
        + "</article></body></html>"
    ).encode()
    record = normalize_page(body, url="https://x.ru/news/1-a.html", content_type="text/html; charset=utf-8",
                            fetched_at=datetime(2026, 1, 17, tzinfo=UTC))  # fmt: skip
    assert record.published_at is None and record.views is None
    assert record.provenance["published_at"].startswith("rejected:")
    assert record.provenance["views"].startswith("rejected:")
    assert "Текст новости" in record.text
