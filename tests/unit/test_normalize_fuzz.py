"""Arbitrary bytes and mangled HTML: the normalizer returns a record or raises NormalizeError, nothing else,
and never hangs."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.build_pages import html_path, load_cases
from workers.normalize import ArticleRecord, NormalizeError, normalize_page

SAMPLES = [html_path(case).read_bytes() for case in load_cases()[::6]]
TIME_BOUND = 2.0  # seconds per page; real pages take milliseconds
TAGS = ["<p>", "</p>", "<div class='related'>", "</div>", "<h1>", "<script>", "<!--", "]]>", "<time datetime='x'>",
        "<meta property='article:published_time' content='9999-99-99'>", "&#0;", "&shy;", "\x00", "Фото:",
        "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"author\":[[[[",
        "2 741 просмотр", "МОСКВА (X) -- ", "\n\nMRC"]  # fmt: skip


def check(body: bytes, content_type: str | None = "text/html") -> None:
    started = time.perf_counter()
    try:
        result = normalize_page(
            body, url="https://example.ru/a", content_type=content_type, fetched_at=datetime(2026, 1, 17, tzinfo=UTC)
        )
    except NormalizeError as exc:
        assert exc.reason
    else:
        assert isinstance(result, ArticleRecord) and result.text
    assert time.perf_counter() - started < TIME_BOUND


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000), st.sampled_from(["text/html", "text/html; charset=koi8-r", None, "text/plain"]))
def test_arbitrary_bytes(body: bytes, content_type: str | None) -> None:
    check(body, content_type)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SAMPLES),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 400), st.sampled_from(TAGS)), max_size=12),
)
def test_mangled_real_pages(page: bytes, edits: list[tuple[float, int, str]]) -> None:
    """Cut, splice and inject markup into real fixture pages."""
    for where, cut, inject in edits:
        at = int(where * len(page))
        page = page[:at] + inject.encode("utf-8") + page[at + cut :]
    check(page)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES), st.integers(1, 2000))
def test_truncated_and_compressed(page: bytes, keep: int) -> None:
    check(page[:keep])
    check(gzip.compress(page)[:keep])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_inside_an_article(text: str) -> None:
    check(f"<html><body><article><h1>{text[:50]}</h1><p>{text}</p></article></body></html>".encode("utf-8", "replace"))
