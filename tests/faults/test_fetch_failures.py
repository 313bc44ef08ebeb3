"""An article that cannot be fetched is a failures row (stage fetch, with the HTTP status) and a failed
page of its crawl run, not only a log line."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.sample_site.generated import article_path
from deploy.settings import Settings
from storage.db import connect
from tests.helpers import local_source, serving_portal, write_sources

pytestmark = pytest.mark.integration


def test_missing_article_is_a_fetch_failure(settings: Settings, tmp_path: Path) -> None:
    with serving_portal(3) as portal:
        missing = portal.base_url + article_path(404)
        source = replace(local_source(portal.base_url), start_urls=(portal.base_url + article_path(1), missing))
        write_sources(tmp_path / "sources.toml", [source])
        env = {**os.environ, **settings.to_env(), "SOURCES_FILE": str(tmp_path / "sources.toml"), "LOG_LEVEL": "ERROR"}
        result = subprocess.run(
            [sys.executable, "-m", "deploy.cli", "crawl", "portal"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    with connect(settings.database_url) as conn:
        failures = conn.execute("SELECT url, stage, reason, raw_key FROM failures").fetchall()
        run = conn.execute("SELECT pages_new, pages_failed FROM crawl_runs").fetchone()
    assert [(f["url"], f["stage"], f["reason"], f["raw_key"]) for f in failures] == [
        (missing, "fetch", "HTTP 404", None)
    ]
    assert run is not None and run["pages_failed"] == 1 and run["pages_new"] >= 1
    assert f"fetch failed for {missing}: HTTP 404" in result.stderr
