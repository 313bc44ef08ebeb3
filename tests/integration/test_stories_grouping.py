"""Story grouping over the stored sample site, by the CLI: the Toyota pair becomes a story in api.stories;
a second run changes nothing."""

from __future__ import annotations

import pytest

from deploy.settings import Settings
from storage.db import connect
from tests.helpers import run_cli, store_sample_articles

pytestmark = pytest.mark.integration


def test_stories_cli_groups_and_is_idempotent(settings: Settings, raw_store, pool) -> None:  # type: ignore[no-untyped-def]
    assert store_sample_articles(raw_store, pool) == 32

    def stories() -> str:
        return run_cli(settings, "stories", "--days", "36500").stdout.strip()

    assert stories() == (
        "32 article(s) of the last 36500 day(s): 1 story(ies) told by several articles; 32 article(s) changed story"
    )
    assert stories().endswith("; 0 article(s) changed story")
    with connect(settings.database_url) as conn:
        rows = conn.execute("SELECT articles, sources, first_title FROM api.stories").fetchall()
    assert rows == [{"articles": 2, "sources": ["sample-federal", "sample-vologda"],
                     "first_title": "Toyota тайно встретилась с российскими дилерами"}]  # fmt: skip
