"""`newsarchive status` against real PostgreSQL and Redis: queue depths, pages waiting, records a minute,
running crawls with their counts so far, failures by reason (issue 14)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import redis as redis_lib

from deploy.settings import Settings
from storage.crawl_state import adopt_page, beat_run, start_run
from storage.db import connect, make_pool
from storage.rawstore import RawStore
from storage.records import record_failure
from tests.helpers import run_cli, store_sample_articles

pytestmark = pytest.mark.integration


def test_status_shows_queues_waiting_pages_runs_and_failures(settings: Settings, raw_store: RawStore) -> None:
    pool = make_pool(settings.database_url, max_size=2)
    try:
        stored = store_sample_articles(raw_store, pool)
    finally:
        pool.close()
    with connect(settings.database_url) as conn:
        for n in range(3):  # archived and remembered; their tasks have not run yet
            adopt_page(conn, url=f"https://n.example/{n}", source=None, raw_key=f"raw/00/{n}.html.gz", etag=None,
                       last_modified=None, fetched_at=datetime.now(UTC))  # fmt: skip
        run_id = start_run(conn, "sample-vologda", "beat")
        beat_run(conn, run_id, {"pages_seen": 40, "pages_new": 12, "pages_trapped": 3})
        for n in range(2):
            record_failure(conn, url=f"https://n.example/bad/{n}", stage="normalize", reason="no article text found")
    redis_lib.Redis.from_url(settings.redis_url).lpush("normalize", *[json.dumps({"n": n}) for n in range(5)])

    out = run_cli(settings, "status").stdout
    print(out)  # README, "CLI", shows this output
    lines = out.splitlines()
    assert lines[0] == "queues (tasks waiting): normalize 5, default 0, crawl 0"
    assert lines[1] == "archived, not yet normalized: 3"
    assert f"{stored} in the last hour" in lines[2]
    assert lines[3] == "running crawls: 1"
    assert f"run {run_id} sample-vologda (beat)" in lines[4]
    assert "40 seen, 12 new" in lines[4] and "3 trap links" in lines[4]
    assert lines[5] == "failures in the last 24 h: 2"
    assert lines[6].split() == ["2", "normalize", "no", "article", "text", "found"]
