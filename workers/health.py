"""Parser health: when a source's records stop carrying a field they used to carry (a template changed, a
counter moved, a credit line was reworded), an alert row in api.parser_alerts and one WARNING line; the
alert clears itself when the field comes back. The figures are SQL (storage/health.py); the judgement is here,
a pure function of them and the thresholds of deploy/settings.py."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from psycopg_pool import ConnectionPool

from deploy.settings import Settings
from storage import health
from storage.health import BODY_LENGTH, FieldStat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    baseline: timedelta = timedelta(days=14)
    min_records: int = 10
    share_drop: float = 0.5
    significance: float = 0.001
    body_drop: float = 0.5
    recover: float = 0.8
    min_body_chars: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        return cls(
            baseline=timedelta(days=settings.health_baseline_days),
            min_records=settings.health_min_records,
            share_drop=settings.health_share_drop,
            significance=settings.health_significance,
            body_drop=settings.health_body_drop,
            recover=settings.health_recover,
            min_body_chars=settings.health_min_body_chars,
        )


def binomial_tail(successes: int, trials: int, p: float) -> float:
    """P(X <= successes) for X ~ Binomial(trials, p): how likely so few records have the field by chance alone,
    if the baseline share still held."""
    return sum(math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(successes + 1))


def breached(stat: FieldStat, t: Thresholds) -> bool:
    """Is this field well below its baseline, on enough records on both sides?"""
    if stat.now is None or stat.before is None or min(stat.now_records, stat.base_records) < t.min_records:
        return False
    if stat.field == BODY_LENGTH:
        return stat.now < stat.before * t.body_drop
    # The baseline share as a probability, smoothed (Laplace): 9 of 9 records say "very likely", not "always".
    p = (stat.base_with + 1) / (stat.base_records + 2)
    return stat.now < stat.before * t.share_drop and binomial_tail(stat.now_with, stat.now_records, p) < t.significance


def recovered(stat: FieldStat, before: float, t: Thresholds) -> bool:
    """Is the field of an open alert back near the value it had before the alert?"""
    return stat.now is not None and stat.now_records >= t.min_records and stat.now >= before * t.recover


@dataclass
class TurnReport:
    observed: int = 0  # (source, day) pairs with new observations
    opened: int = 0
    cleared: int = 0


def run_turn(pool: ConnectionPool, t: Thresholds) -> TurnReport:
    """One turn of the beat task: observe the records written since the last turn, count their days and runs
    again, judge their sources. Safe to run at any time and from several places (an advisory lock)."""
    report = TurnReport()
    with pool.connection() as conn, conn.transaction():
        health.lock(conn)
        touched = health.observe(conn, min_body_chars=t.min_body_chars, baseline=t.baseline)
        report.observed = len(touched.days)
        health.refresh_counts(conn, touched)
        sources = touched.sources
        stats = health.field_stats(conn, sources, min_records=t.min_records, baseline=t.baseline, body_drop=t.body_drop)
        alerts = health.open_alerts(conn, sources)
        names = health.source_names(conn, sources)
        for stat in stats:
            alert = alerts.get((stat.source_id, stat.field))
            if alert is None:
                if breached(stat, t) and health.open_alert(conn, stat) is not None:
                    report.opened += 1
                    log.warning("parser alert: %s", describe(names[stat.source_id], stat))
            elif recovered(stat, alert["before"], t):
                health.update_alert(conn, alert["id"], stat, clear=True)
                report.cleared += 1
                log.info("parser alert cleared: %s", describe(names[stat.source_id], stat, before=alert["before"]))
            elif stat.now is not None:
                health.update_alert(conn, alert["id"], stat, clear=False)
    return report


def describe(source: str, stat: FieldStat, before: float | None = None) -> str:
    """One line for the log: source, field, before -> now, how many records, examples."""
    was = stat.before if before is None else before
    examples = ", ".join(map(str, stat.examples))
    return (
        f"{source} {stat.field}: {format_value(stat.field, was)} -> {format_value(stat.field, stat.now)}"
        f" over the latest {stat.now_records} records ({stat.affected} affected"
        + (f", e.g. articles {examples})" if examples else ")")
    )


def format_value(field: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f} chars" if field == BODY_LENGTH else f"{value:.0%}"
