"""Parser health on real PostgreSQL (issue 17): observations of each record written, shares per source and day,
alerts when a source's template loses fields, cleared when they come back, nothing on tiny samples."""

from __future__ import annotations

import logging

import pytest
from psycopg_pool import ConnectionPool

from deploy.sample_site.redesign import LOST_FIELDS
from deploy.settings import Settings
from storage.db import connect
from storage.health_views import alerts, health_by_day
from storage.rawstore import RawStore
from tests.helpers import refetch_metro, store_sample_articles
from workers.health import Thresholds, run_turn

pytestmark = pytest.mark.integration

# The sample outlets have 7-9 articles each, below the default HEALTH_MIN_RECORDS (10).
SMALL = Thresholds(min_records=5)


def test_shares_per_source_and_day(settings: Settings, raw_store: RawStore, pool: ConnectionPool) -> None:
    assert store_sample_articles(raw_store, pool) == 32
    report = run_turn(pool, SMALL)
    assert (report.observed, report.opened) == (4, 0)  # four sources, one day; no baseline yet
    with connect(settings.database_url) as conn:
        days = {row["source"]: row for row in health_by_day(conn)}
        assert run_turn(pool, SMALL).observed == 0  # nothing written since: nothing read again
    metro = days["sample-metro"]
    assert metro["records"] == 7
    assert (metro["title_share"], metro["views_share"], metro["photo_credits_share"]) == (1, 1, 1)
    assert metro["via_meta"] > 0 and metro["via_text_pattern"] > 0 and metro["median_body_length"] > 300
    assert days["sample-mrc"]["views_share"] == 0  # the wire service prints no counter
    assert days["sample-federal"]["via_json_ld"] > 0
    total = sum(float(metro[f"via_{k}"]) for k in ("json_ld", "meta", "site_rule", "text_pattern", "html", "other"))
    assert total == pytest.approx(1, abs=0.01)


def test_lost_fields_alert_once_and_clear_when_back(
    settings: Settings, raw_store: RawStore, pool: ConnectionPool, caplog: pytest.LogCaptureFixture
) -> None:
    store_sample_articles(raw_store, pool)
    run_turn(pool, SMALL)
    assert refetch_metro(raw_store, pool, redesigned=True) == 7
    with caplog.at_level(logging.WARNING, logger="workers.health"):
        report = run_turn(pool, SMALL)
    assert report.opened == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all(w.startswith("parser alert: sample-metro ") for w in warnings), warnings
    with connect(settings.database_url) as conn:
        opened = alerts(conn)
        metro_ids = {
            r["article_id"] for r in conn.execute("SELECT article_id FROM api.articles WHERE source = 'sample-metro'")
        }
    assert sorted((a["source"], a["field"]) for a in opened) == [("sample-metro", f) for f in sorted(LOST_FIELDS)]
    for alert in opened:
        assert (alert["before"], alert["now"], alert["records"], alert["records_affected"]) == (1, 0, 7, 7)
        assert set(alert["example_article_ids"]) <= metro_ids and len(alert["example_article_ids"]) == 5

    caplog.clear()
    assert run_turn(pool, SMALL).opened == 0  # still broken, no new record: the same alerts, no new line
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]

    assert refetch_metro(raw_store, pool, redesigned=False) == 7
    assert run_turn(pool, SMALL).cleared == 2
    with connect(settings.database_url) as conn:
        assert alerts(conn) == []
        history = conn.execute("SELECT field, now, cleared_at FROM api.parser_alerts ORDER BY field").fetchall()
    assert [(h["field"], h["now"]) for h in history] == [("photo_credits", 1), ("views", 1)]
    assert all(h["cleared_at"] is not None for h in history)


def test_no_alert_on_a_tiny_sample(settings: Settings, raw_store: RawStore, pool: ConnectionPool) -> None:
    store_sample_articles(raw_store, pool)
    run_turn(pool, Thresholds())
    # Three records of a run lost both fields. The latest sample is never smaller than 10 records: these 3 and
    # the 7 before them (70 % with the fields), which leaves no baseline to compare with: nothing is judged.
    assert refetch_metro(raw_store, pool, redesigned=True, only=3) == 3
    report = run_turn(pool, Thresholds())
    assert (report.observed, report.opened) == (1, 0)
    # All seven: 7 records on each side, below the default minimum of 10.
    refetch_metro(raw_store, pool, redesigned=True)
    assert run_turn(pool, Thresholds()).opened == 0
    with connect(settings.database_url) as conn:
        assert alerts(conn) == []
