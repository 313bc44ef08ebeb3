"""The published SQL interface: every example query of docs/sql.md runs as a member of the read-only role
and returns rows; that role reads the `api` views and nothing else, and writes nothing."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from deploy.settings import Settings
from storage.crawl_state import finish_run_part, start_run
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from tests.helpers import ROOT, refetch_metro, store_sample_articles
from workers.health import Thresholds, run_turn
from workers.process import normalize_archived
from workers.stories import regroup_recent

pytestmark = pytest.mark.integration

DOC = ROOT / "docs" / "sql.md"
VIEWS = {
    "articles", "article_versions", "article_views", "article_images", "sources", "crawl_runs", "failures", "stories",
    "parser_health", "parser_health_runs", "parser_alerts",
}  # fmt: skip


def doc_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture
def sample_archive(settings: Settings, raw_store: RawStore, pool) -> Settings:  # type: ignore[no-untyped-def]
    assert store_sample_articles(raw_store, pool) == 32
    url = "http://127.0.0.1:8765/vologda/files/report.pdf"
    facts = FetchFacts(
        url, url, 200, datetime.now(UTC).isoformat(), {"Content-Type": ["application/pdf"]}, "sample-vologda"
    )
    key = raw_store.put(b"%PDF-1.7 a report", facts).key
    normalize_archived(raw_store, pool, raw_key=key, url=url, fetched_at=facts.fetched_at, source="sample-vologda",
                       content_type="application/pdf")  # fmt: skip
    # An exact copy: the Toyota article republished on another site, without a canonical link back.
    original = (ROOT / "deploy/sample_site/www/vologda/news/avto/48211-toyota-vozvrashchenie.html").read_bytes()
    copy = re.sub(rb'<link rel="canonical"[^>]*>', b"", original)
    copy_url = "http://127.0.0.1:8765/federal/partners/toyota-copy.html"
    html = {"Content-Type": ["text/html; charset=utf-8"]}
    copy_facts = FetchFacts(copy_url, copy_url, 200, datetime.now(UTC).isoformat(), html, "sample-federal")
    copy_key = raw_store.put(copy, copy_facts).key
    outcome = normalize_archived(raw_store, pool, raw_key=copy_key, url=copy_url, fetched_at=copy_facts.fetched_at,
                                 source="sample-federal", content_type=html["Content-Type"][0])  # fmt: skip
    assert outcome.status == "stored" and outcome.url == copy_url
    assert regroup_recent(pool, days=365 * 100).stories == 1  # the Toyota pair
    with connect(settings.database_url) as conn:
        run = start_run(conn, "sample-vologda", "cli")
        finish_run_part(conn, run, {"pages_seen": 12, "pages_new": 9}, "finished")
    # Parser health: a crawl run fetches Metro Tribune again in its new template, which loses two fields.
    health = Thresholds(min_records=5)  # the sample outlets have 7-9 articles
    run_turn(pool, health)
    assert refetch_metro(raw_store, pool, redesigned=True) == 7
    assert run_turn(pool, health).opened == 2
    return settings


@pytest.fixture
def reader(sample_archive: Settings) -> Iterator[psycopg.Connection]:
    """A login in newsarchive_reader, as docs/sql.md tells operators to make one."""
    name, password = f"reader_{secrets.token_hex(4)}", secrets.token_hex(12)
    with connect(sample_archive.database_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE newsarchive_reader")
        try:
            dsn = make_conninfo(sample_archive.database_url, user=name, password=password)
            with connect(dsn, autocommit=True) as conn:
                yield conn
        finally:
            admin.execute(f"DROP ROLE {name}")


def test_the_docs_have_examples_for_every_view() -> None:
    queries = "\n".join(doc_queries())
    for view in (
        "articles",
        "article_versions",
        "article_views",
        "article_images",
        "sources",
        "crawl_runs",
        "failures",
        "parser_health",
        "parser_health_runs",
        "parser_alerts",
    ):
        assert f"api.{view}" in queries, view


def test_doc_queries_run_as_the_reader_and_return_rows(reader: psycopg.Connection) -> None:
    queries = doc_queries()
    assert len(queries) >= 10
    for query in queries:
        assert reader.execute(query).fetchall(), f"returns nothing on the sample site:\n{query}"


def test_every_documented_column_exists_and_every_column_is_documented(reader: psycopg.Connection) -> None:
    text = DOC.read_text(encoding="utf-8")
    columns = reader.execute(
        "SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns"
        " FROM information_schema.columns WHERE table_schema = 'api' GROUP BY table_name"
    ).fetchall()
    assert {row["table_name"] for row in columns} == VIEWS
    for row in columns:
        section = text.split(f"## `api.{row['table_name']}`", 1)[1].split("\n## ", 1)[0]
        # A row documents one column, or several alike: | `a`, `b`, `c` | type | meaning |
        cells = re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|", section, flags=re.M)
        names = {name for cell in cells for name in re.findall(r"`([a-z_]+)`", cell)}
        assert names == set(row["columns"]), row["table_name"]


FORBIDDEN = [
    "SELECT count(*) FROM public.articles",
    "SELECT count(*) FROM public.crawl_pages",
    "SELECT count(*) FROM schema_migrations",
    "INSERT INTO api.sources (name) VALUES ('intruder')",  # simple views are updatable: the grant decides
    "UPDATE api.article_views SET views = 0",
    "DELETE FROM api.article_images",
    "CREATE TABLE api.mine (x int)",
    "CREATE TABLE public.mine (x int)",
    "CREATE VIEW api.mine AS SELECT 1",
]


def test_the_reader_reads_only_the_api_and_writes_nothing(reader: psycopg.Connection) -> None:
    for statement in FORBIDDEN:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute(statement)
    assert reader.execute("SELECT count(*) AS n FROM api.sources").fetchone()["n"] == 4  # type: ignore[index]
