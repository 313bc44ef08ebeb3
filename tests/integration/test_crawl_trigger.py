"""The crawl trigger behind newsarchive.crawl_source runs a real crawl in a child process."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.sample_site.server import SampleSiteServer
from deploy.sample_site.sites import sample_sources
from deploy.settings import Settings
from storage.rawstore import RawStore
from tests.helpers import write_sources
from workers.crawl import CrawlFailed, run_crawl

pytestmark = pytest.mark.integration


def test_crawl_one_source_archives_its_articles(
    settings: Settings, raw_store: RawStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    with SampleSiteServer() as site:
        sources_file = tmp_path / "sources.toml"
        write_sources(sources_file, sample_sources(site.base_url))
        output = run_crawl(["sample-mrc"], str(sources_file), timeout=120)
        fetched = site.log.paths()
    assert "sample-mrc: " in output and "8 archived" in output
    assert all(p.startswith(("/mrc/", "/robots.txt")) for p in fetched)
    bodies = [
        o for o in raw_store.client.list_objects(raw_store.bucket, recursive=True) if o.object_name.endswith(".gz")
    ]
    assert len(bodies) == 8


def test_unknown_source_fails_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text('[[source]]\nname = "a"\nstart_urls = ["http://127.0.0.1:9/"]\narticle_pattern = "x"\n')
    # The crawl command checks the services are configured before it looks at the source name.
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:9/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9")
    monkeypatch.setenv("S3_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(CrawlFailed, match="unknown source"):
        run_crawl(["nope"], str(sources_file), timeout=60)
