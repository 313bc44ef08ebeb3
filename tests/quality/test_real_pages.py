"""Quality gate on real pages nobody here wrote (../shared/corpus, see tests/real_pages.py).

Fails when the normalizer falls below the floor it has reached on the development corpus, less a small
margin: body F1, date accuracy, rejected pages, and each Russian field. Skipped, with the reason, in a clone
that has no corpus beside it. The floors are raised as the code improves (bench/extraction.py prints the
figures), never lowered to let a change through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import real_pages

CORPUS = real_pages.corpus_dir()
pytestmark = pytest.mark.skipif(
    CORPUS is None,
    reason=f"no real-page corpus: put it at ../shared/corpus beside the clone or set {real_pages.CORPUS_ENV}",
)

MARGIN = 0.01
# Reached at the commit that set them (bench/extraction.py, docs/benchmarks.md).
CORPUS_FLOORS = {
    ("ALL", "f1"): 0.942,
    ("wcxb_dev", "f1"): 0.935,
    ("readability", "f1"): 0.966,
    ("htmltotext", "f1"): 0.964,
    ("ALL", "date_ok"): 0.877,
    ("wcxb_dev", "date_ok"): 0.838,
    ("readability", "date_ok"): 1.000,
    ("htmldate_bbaw", "date_ok"): 0.935,
    ("trafilatura_eval", "date_ok"): 0.840,
    ("ALL", "title_f1"): 0.952,
    ("ALL", "author_f1"): 0.855,
}
RUSSIAN_FLOORS = {
    "title": 1.00,
    "date": 0.97,
    "text_start": 0.97,
    "text_end": 0.90,
    "views": 1.00,
    "views_none": 1.00,
    "photo_credits": 1.00,
    "authors": 0.95,
    "rubric": 0.97,
}
# A page where plain trafilatura finds this much body is never rejected.
FOUND_BY_PLAIN_EXTRACTOR = 200


@pytest.fixture(scope="module")
def corpus_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert CORPUS is not None
    out = tmp_path_factory.mktemp("corpus") / "records.jsonl"
    return real_pages.run(real_pages.newsarchive, CORPUS / "inputs.jsonl", out).records


@pytest.fixture(scope="module")
def russian_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert CORPUS is not None
    out = tmp_path_factory.mktemp("ru") / "records.jsonl"
    return real_pages.run(real_pages.newsarchive, CORPUS / "ru" / "inputs.jsonl", out).records


def test_body_title_date_and_authors_hold_their_floor(corpus_records: Path) -> None:
    assert CORPUS is not None
    figures = real_pages.corpus_figures(CORPUS, corpus_records)
    below = {
        f"{group} {name}": round(figures[group][name], 3)
        for (group, name), floor in CORPUS_FLOORS.items()
        if figures[group][name] < floor - MARGIN
    }
    assert not below, f"below the floor (less {MARGIN}): {below}"


def test_no_page_is_rejected_where_the_plain_extractor_finds_a_body(corpus_records: Path) -> None:
    assert CORPUS is not None
    found = real_pages.baseline_bodies(CORPUS)
    rejected = [
        f"{record['file']}: {record['error']}"
        for record in _records(corpus_records)
        if record.get("error") and found.get(real_pages.page_key(record["file"]), 0) >= FOUND_BY_PLAIN_EXTRACTOR
    ]
    assert not rejected


def test_russian_fields_hold_their_floor(russian_records: Path) -> None:
    assert CORPUS is not None
    tally = real_pages.russian_figures(CORPUS, russian_records)
    below = {
        name: f"{right}/{scored}"
        for name, (right, scored) in tally.items()
        if right / scored < RUSSIAN_FLOORS[name] - MARGIN
    }
    assert not below, f"below the floor (less {MARGIN}): {below}"


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
