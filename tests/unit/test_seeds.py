"""Golden tests against the seed documents (../shared/seeds, copied into tests/fixtures/seeds): the sample
site's pages built in the style of the seed pages normalize to the seed's article text and fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from deploy.sample_site.server import content_type
from workers.normalize import ArticleRecord, normalize_page

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
FETCHED = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)


def seed_lines(name: str) -> list[str]:
    text = next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def sample_record(site: str, slug: str) -> ArticleRecord:
    article = next(a for a in load_site(site) if a.slug == slug)
    path = file_for(article_url(article))
    return normalize_page(
        path.read_bytes(), url="http://127.0.0.1:8765" + article_url(article), content_type=content_type(path),
        fetched_at=FETCHED,
    )  # fmt: skip


def test_seed_000_regional_portal() -> None:
    lines = seed_lines("000")
    body = lines[lines.index("Фото: Вологда-поиск") + 1 : lines.index("Главные новости Вологды за неделю")]
    record = sample_record("vologda", "toyota-vozvrashchenie")
    # The seed has one no-break space ("Китая -\u00a0это"); records carry plain spaces by design.
    assert record.text == "\n".join(body).replace("\u00a0", " ")
    assert record.rubric == "Авто"
    assert record.views == 602
    assert record.photo_credits == ("Вологда-поиск",)
    teaser_text = lines[lines.index("Главные новости Вологды за неделю") :]
    for line in teaser_text:
        assert line not in record.text
    assert record.published_at is not None and record.published_at.date() != date(2026, 1, 17)
    assert record.cited_sources == ("Autonews",)


def test_seed_001_federal_outlet() -> None:
    lines = seed_lines("001")
    assert lines[0].startswith("date 2025-10-29 ")
    body = [lines[0].removeprefix("date 2025-10-29 "), *lines[1:]]
    record = sample_record("federal", "toyota-dilery-vstrecha")
    assert record.text == "\n".join(body)
    assert record.published_at is not None and record.published_at.date() == date(2025, 10, 29)
    assert "Autonews.ru" in record.cited_sources
    assert record.rubric == "Авто"


def test_seed_002_wire_item() -> None:
    lines = seed_lines("002")
    assert lines[0].startswith("МОСКВА (Маркет Репорт) -- ") and lines[-1] == "MRC"
    body = [lines[0].removeprefix("МОСКВА (Маркет Репорт) -- "), *lines[1:-1]]
    record = sample_record("mrc", "0001")
    assert record.text == "\n".join(body)
    assert record.dateline is not None
    assert (record.dateline.place, record.dateline.agency) == ("Москва", "Маркет Репорт")
    assert record.agency == "MRC"
    assert record.cited_sources == ("ПраймПресс",)
    assert "MRC" not in record.text.split()


@pytest.mark.parametrize(
    "article",
    [a for site in ("vologda", "federal", "mrc", "metro") for a in load_site(site)],
    ids=lambda a: f"{a.site}/{a.slug}",
)
def test_every_sample_article_carries_its_metadata(article) -> None:  # type: ignore[no-untyped-def]
    record = sample_record(article.site, article.slug)
    assert record.rubric == article.get("rubric")
    if article.views is not None:
        assert record.views == article.views
    if article.get("credit"):
        assert record.photo_credits == (article.get("credit"),)
    if article.get("author"):
        assert record.authors == (article.get("author"),)
    if article.get("agency"):
        assert record.agency == article.get("agency")
        assert record.dateline is not None and record.dateline.place.upper() == article.get("city")
    assert record.published_at is not None
    assert record.published_at.replace(tzinfo=None) == article.published


# Attribution by coreference ("Сибур ... сообщили в компании") is beyond text patterns: known misses.
COREFERENCE = {"avtovaz-chetyrekhdnevka", "cb-stavka-reshenie", "0004"}


@pytest.mark.parametrize(
    "article",
    [
        pytest.param(a, marks=pytest.mark.xfail(strict=True, reason="attribution by coreference"))
        if a.slug in COREFERENCE
        else a
        for site in ("vologda", "federal", "mrc", "metro")
        for a in load_site(site)
        if a.get("cites")
    ],
    ids=lambda a: f"{a.site}/{a.slug}",
)
def test_cited_source_of_sample_articles(article) -> None:  # type: ignore[no-untyped-def]
    assert article.get("cites") in sample_record(article.site, article.slug).cited_sources
