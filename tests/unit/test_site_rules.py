"""Site rules: a declarative file per source overrides the generic path, with dated versions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from scrapy_project.sources import load_sources
from workers.normalize import RulesError, normalize_page
from workers.normalize.rules import parse_rules
from workers.site_rules import rules_for_source

# A CMS the generic path cannot read: an unlabelled counter, a two-digit year, a promo block with an
# opaque class name inside the text.
PAGE = """<html lang="ru"><head><meta charset="utf-8"><title>Т</title></head><body>
<div class="x1"><div class="hd"><h1>Мост закроют на ремонт</h1>
<div class="m-d">16/01/26 14:05</div><div class="m-i">&#128065; 1 532</div><div class="old-i">99</div></div>
<div class="txt-block">
<p>Октябрьский мост закроют на ночной ремонт с понедельника. Подрядчик заменит деформационные швы.</p>
<div class="zx-9">Скидки на шины до 50% только сегодня в магазине на Ленина</div>
<p>Работы планируют завершить до конца месяца, если позволит погода и не подведут поставщики.</p>
</div><div class="au">Иван Петров</div></div></body></html>"""

RULES = {
    "timezone": "Asia/Yekaterinburg",
    "version": [
        {"since": date(2019, 1, 1), "views": ".old-i"},
        {
            "since": date(2026, 1, 1),
            "body": ".txt-block",
            "published": ".m-d",
            "date_format": "%d/%m/%y %H:%M",
            "views": ".m-i",
            "authors": [".au"],
            "drop": [".zx-9"],
        },
    ],
}
FETCHED_2026 = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)


def test_generic_path_misses_what_the_rule_reads() -> None:
    record = normalize_page(PAGE.encode(), url="https://x.ru/a", fetched_at=FETCHED_2026)
    assert record.views != 1532
    assert record.authors == ()


def test_rules_override_the_generic_path_and_say_so() -> None:
    rules = parse_rules(RULES, name="x")
    record = normalize_page(PAGE.encode(), url="https://x.ru/a", fetched_at=FETCHED_2026, rules=rules)
    assert record.views == 1532
    assert record.published_at == datetime.fromisoformat("2026-01-16T14:05:00+05:00")  # the site's zone
    assert record.authors == ("Иван Петров",)
    assert "Скидки" not in record.text
    assert record.text.startswith("Октябрьский мост") and record.text.endswith("поставщики.")
    assert record.provenance["views"] == "site-rule:.m-i"
    assert record.provenance["text"] == "site-rule:.txt-block"


def test_the_version_in_force_at_fetch_time_applies() -> None:
    rules = parse_rules(RULES, name="x")
    old = normalize_page(PAGE.encode(), url="https://x.ru/a", fetched_at=datetime(2025, 6, 1, tzinfo=UTC), rules=rules)
    assert old.views == 99 and old.provenance["views"] == "site-rule:.old-i"
    assert rules.for_date(None) is not None and rules.for_date(None).since == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": [{"since": date(2020, 1, 1), "views": "div[["}]}, "bad CSS selector"),
        ({"version": [{"since": date(2020, 1, 1), "viewz": ".v"}]}, "unknown keys"),
        ({"version": [{"since": "yesterday", "views": ".v"}]}, "must be a TOML date"),
    ],
)
def test_broken_rules_fail_at_load_time(data: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RulesError, match=message):
        parse_rules(data, name="x")


def test_shipped_rules_agree_with_the_generic_path_on_the_sample_site() -> None:
    sources_file = Path("deploy/sources.toml")
    source = next(s for s in load_sources(sources_file) if s.name == "vologda-poisk")
    rules = rules_for_source(source, sources_file)
    assert rules is not None and rules.timezone == "Europe/Moscow"
    for article in load_site("vologda"):
        body = file_for(article_url(article)).read_bytes()
        url = "https://vologda-poisk.ru" + article_url(article)
        generic = normalize_page(body, url=url, fetched_at=FETCHED_2026)
        ruled = normalize_page(body, url=url, fetched_at=FETCHED_2026, rules=rules)
        assert ruled.provenance["text"].startswith("site-rule:")
        for field in ("title", "text", "published_at", "views", "rubric", "photo_credits"):
            assert getattr(ruled, field) == getattr(generic, field), (article.slug, field)
