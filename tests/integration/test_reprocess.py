"""Re-processing from the archive after a site rule changed: exactly the articles whose output changed
are updated and get a new version; the others are not touched (not even normalized_at); a second run
changes nothing. The CLI does the same with progress, and filters by source and fetch time."""

from __future__ import annotations

import pytest

from deploy.settings import Settings
from storage.db import connect
from storage.rawstore import RawStore
from storage.records import archived_keys_between
from tests.helpers import run_cli, store_sample_articles
from workers.normalize.rules import parse_rules
from workers.reprocess import reprocess_pages

pytestmark = pytest.mark.integration

# A redesign of the Vologda site, as a rule: the second paragraph of each block is now an ad.
NEW_RULE = parse_rules({"version": [{"drop": ["p:nth-of-type(2)"]}]}, name="sample-vologda")


def _state(settings: Settings) -> dict[str, tuple[str, object, int]]:
    with connect(settings.database_url) as conn:
        rows = conn.execute(
            "SELECT a.url, a.content_hash, a.normalized_at, count(v.*) AS versions FROM articles a"
            " JOIN article_versions v ON v.article_id = a.id GROUP BY a.id"
        ).fetchall()
    return {r["url"]: (r["content_hash"], r["normalized_at"], r["versions"]) for r in rows}


def test_a_changed_rule_updates_exactly_the_affected_articles(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    assert store_sample_articles(raw_store, pool) == 32
    before = _state(settings)
    with pool.connection() as conn:
        keys = archived_keys_between(conn)
    assert len(keys) == 32

    same = reprocess_pages(raw_store, pool, keys)  # the rules of the first run (none for the sample)
    assert (same.outcomes["unchanged"], same.new_versions) == (32, 0)
    assert _state(settings) == before

    changed = reprocess_pages(raw_store, pool, keys, rules_for=lambda s: NEW_RULE if s == "sample-vologda" else None)
    after = _state(settings)
    touched = {url for url in after if after[url] != before[url]}
    assert touched and all("/vologda/" in url for url in touched)
    assert changed.outcomes["stored"] == changed.new_versions == len(touched)
    for url in touched:
        assert after[url][0] != before[url][0] and after[url][2] == 2  # new content, one more version
    assert all(after[url] == before[url] for url in after.keys() - touched)

    again = reprocess_pages(raw_store, pool, keys, rules_for=lambda s: NEW_RULE if s == "sample-vologda" else None)
    assert (again.outcomes["unchanged"], again.new_versions) == (32, 0)
    assert _state(settings) == after
    print(f"rule change: {changed.line()}; second run: {again.line()}")


def test_the_cli_reprocesses_a_source_and_a_period(settings: Settings, raw_store: RawStore, pool) -> None:  # type: ignore[no-untyped-def]
    store_sample_articles(raw_store, pool)

    def cli(*args: str) -> str:
        return run_cli(settings, "reprocess", *args).stdout.strip().splitlines()[-1]

    assert cli("--source", "sample-metro") == (
        "reprocess: 7/7 pages: 0 changed, 0 new version(s), 7 unchanged, 0 superseded, 0 failed"
    )
    assert cli("--since", "2999-01-01").startswith("reprocess: 0/0 pages")
    assert cli("--until", "2999-01-01").startswith("reprocess: 32/32 pages: 0 changed")
