"""The extraction fixture set (tests/fixtures/pages): every page normalizes to exactly its expected record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.fixtures.build_pages import html_path, load_cases, render
from workers.normalize import ArticleRecord, normalize_page

CASES = load_cases()
# Fields compared exactly; a field missing from [case.expect] must come out empty.
EMPTY: dict[str, Any] = {
    "modified_at": None,
    "views": None,
    "photo_credits": [],
    "authors": [],
    "rubric": None,
    "tags": [],
    "cited_sources": [],
    "dateline": None,
    "agency": None,
}


def normalize_case(case: dict[str, Any]) -> ArticleRecord:
    return normalize_page(
        html_path(case).read_bytes(),
        url=case["url"],
        content_type=case.get("content_type", "text/html"),
        fetched_at=datetime.fromisoformat(case["fetched_at"]),
    )


def actual_fields(record: ArticleRecord) -> dict[str, Any]:
    data = record.to_json()
    dateline = record.dateline
    return {
        **{key: data[key] for key in EMPTY},
        "dateline": f"{dateline.place} / {dateline.agency}" if dateline else None,
        "cited_sources": sorted(record.cited_sources),
        "published_at": data["published_at"],
    }


def expected_fields(case: dict[str, Any]) -> dict[str, Any]:
    expect = {**EMPTY, **case["expect"]}
    expect["cited_sources"] = sorted(expect["cited_sources"])
    for key in ("published_at", "modified_at"):
        if expect.get(key):
            expect[key] = datetime.fromisoformat(expect[key]).isoformat()
    return expect


def test_there_are_at_least_40_fixture_pages_in_several_layouts_and_encodings() -> None:
    assert len(CASES) >= 40
    assert len({c["layout"] for c in CASES}) >= 6
    assert {c["encoding"] for c in CASES} >= {"utf-8", "cp1251", "koi8-r"}
    assert {c["language"] for c in CASES} == {"ru", "en"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_fixture_html_is_up_to_date(case: dict[str, Any]) -> None:
    assert html_path(case).read_bytes() == render(case, CASES), "run: python -m tests.fixtures.build_pages"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_text_is_the_article_only(case: dict[str, Any]) -> None:
    record = normalize_case(case)
    assert record.title == case["title"]
    assert record.text == "\n".join(case["paragraphs"])
    assert record.language == case["language"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_metadata_fields_are_exactly_the_expected_ones(case: dict[str, Any]) -> None:
    record = normalize_case(case)
    assert actual_fields(record) == expected_fields(case), record.provenance


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_every_field_found_says_where_it_came_from(case: dict[str, Any]) -> None:
    record = normalize_case(case)
    for name, value in actual_fields(record).items():
        if value not in (None, []):
            assert name in record.provenance, name
    assert record.provenance["text"].startswith("trafilatura")  # fast mode, or the cascade for a short one
