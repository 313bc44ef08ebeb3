"""Which gzip bodies the crawler leaves undecoded (to be archived as sent and fail in the worker)."""

from __future__ import annotations

import gzip
import random

from scrapy_project.encoding_check import gzip_problem

CAP = 1_000_000
_rng = random.Random(5)
PAGE = ("<html><body><p>" + " ".join(str(_rng.random()) for _ in range(2000)) + "</p></body></html>").encode()


def test_a_whole_stream_is_fine() -> None:
    assert gzip_problem(gzip.compress(PAGE), CAP) is None


def test_more_members_or_trailing_bytes_are_left_to_scrapy() -> None:
    assert gzip_problem(gzip.compress(PAGE) + gzip.compress(b"<p>more</p>"), CAP) is None
    assert gzip_problem(gzip.compress(PAGE) + b"\r\n", CAP) is None


def test_truncated_stream() -> None:
    packed = gzip.compress(PAGE)
    for cut in (20, len(packed) // 2, len(packed) - 9):
        problem = gzip_problem(packed[:cut], CAP)
        assert problem is not None and problem.startswith("truncated gzip body"), cut


def test_corrupt_stream() -> None:
    packed = bytearray(gzip.compress(PAGE))
    packed[40:60] = b"\xff" * 20
    problem = gzip_problem(bytes(packed), CAP)
    assert problem is not None and problem.startswith("corrupt gzip body")
    assert gzip_problem(b"\x1f\x8b\x08\x00 not gzip at all", CAP).startswith("corrupt gzip body")  # type: ignore[union-attr]


def test_a_bomb_stops_at_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (50 * CAP))  # 50 MB in ~50 KB
    assert gzip_problem(bomb, CAP) == f"gzip body decodes to more than the {CAP}-byte cap"
    assert gzip_problem(bomb, 0) is None  # no cap configured: only the stream is checked
