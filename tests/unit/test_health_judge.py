"""The judgement of parser health (workers/health.py): when a field's fall is an alert, when it has recovered."""

from __future__ import annotations

import pytest

from storage.health import BODY_LENGTH, FieldStat
from workers.health import Thresholds, binomial_tail, breached, describe, recovered

T = Thresholds()


def share(now_with: int, now_n: int, base_with: int, base_n: int, field: str = "views") -> FieldStat:
    return FieldStat(
        source_id=1, field=field, now_records=now_n, base_records=base_n, now=now_with / now_n,
        before=base_with / base_n, now_with=now_with, base_with=base_with, affected=now_n - now_with,
    )  # fmt: skip


def test_binomial_tail() -> None:
    assert binomial_tail(0, 3, 0.5) == pytest.approx(0.125)
    assert binomial_tail(3, 3, 0.5) == pytest.approx(1)
    assert binomial_tail(1, 20, 0.95) < 1e-20


def test_a_field_that_falls_from_95_to_10_percent_alerts() -> None:
    assert breached(share(2, 20, 190, 200), T)


def test_a_small_wobble_does_not() -> None:
    assert not breached(share(16, 20, 190, 200), T)  # 80 % against 95 %
    assert not breached(share(9, 20, 100, 200), T)  # 45 % against 50 %: below half? no, and not significant


def test_tiny_samples_are_not_judged() -> None:
    assert not breached(share(0, 3, 200, 200), T)  # 3 records
    assert not breached(share(0, 20, 5, 5), T)  # a baseline of 5


def test_a_rare_field_missing_from_a_few_records_is_chance() -> None:
    # Credits on 10 % of the records; none among the latest 12 happens one time in four.
    assert not breached(share(0, 12, 20, 200, "photo_credits"), T)
    assert breached(share(0, 120, 20, 200, "photo_credits"), T)  # none in 120 does not


def test_body_length_collapse() -> None:
    def body(now: float, before: float) -> FieldStat:
        return FieldStat(source_id=1, field=BODY_LENGTH, now_records=30, base_records=300, now=now, before=before)

    assert breached(body(120, 2400), T)
    assert not breached(body(2000, 2400), T)


def test_recovery_has_hysteresis() -> None:
    assert recovered(share(19, 20, 0, 1), 0.95, T)
    assert not recovered(share(12, 20, 0, 1), 0.95, T)  # 60 %: better, not back
    assert not recovered(share(3, 3, 0, 1), 0.95, T)  # too few to say


def test_describe_is_one_line_with_examples() -> None:
    stat = FieldStat(source_id=1, field="views", now_records=9, base_records=9, now=0.0, before=1.0, affected=9,
                     examples=(7, 8))  # fmt: skip
    assert describe("sample-metro", stat) == (
        "sample-metro views: 100% -> 0% over the latest 9 records (9 affected, e.g. articles 7, 8)"
    )
