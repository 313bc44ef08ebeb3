"""The console's pages served by Flask's test client against real PostgreSQL and S3, as the read-only role:
what each page shows, the headers that keep the archived page inert, and the token (issue 17)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
from flask.testing import FlaskClient

from deploy.console.app import Backends, create_app
from deploy.console.server import ConsoleError, check_exposure, reader_pool
from storage.db import connect
from storage.rawstore import RawStore
from storage.reader_login import reader_url
from tests.console.conftest import ConsoleData
from tests.helpers import run_cli

pytestmark = pytest.mark.integration


@pytest.fixture
def client(console_data: ConsoleData) -> Iterator[FlaskClient]:
    settings = console_data.settings
    pool = reader_pool(settings)
    try:
        app = create_app(Backends(pool, lambda: RawStore.from_settings(settings), settings.redis_url))
        yield app.test_client()
    finally:
        pool.close()


def text(client: FlaskClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    return answer.get_data(as_text=True)


def test_every_page_shows_what_it_is_for(client: FlaskClient, console_data: ConsoleData) -> None:
    sources = text(client, "/")
    assert sources.count('<tr data-source="sample-') == 4
    assert len(re.findall(r'<svg class="spark', sources)) == 4 * 8  # a sparkline per source and field
    assert re.search(r'data-source="sample-metro">.*?2 open', sources, flags=re.S)
    alerts = text(client, "/alerts")
    assert (
        len(re.findall(r'<tr class="open" data-source="sample-metro" data-field="(views|photo_credits)"', alerts)) == 2
    )
    runs = text(client, "/runs")
    assert '<tr class="running"' in runs and 'http-equiv="refresh"' in runs
    assert re.search(r'data-queue="normalize"><td>normalize</td><td class="num">0<', text(client, "/queue"))
    failures = text(client, "/failures?stage=normalize&source=sample-vologda&reason=pdf")
    assert "report.pdf" in failures and "not HTML" in failures
    assert "No failure matches" in text(client, "/failures?stage=fetch")
    found = text(client, "/search?q=бензин")
    assert f'data-article="{console_data.vologda_id}"' in found and "<mark>" in found
    stories = text(client, "/stories")  # the Toyota story, told by the federal outlet and the regional portal
    assert stories.count('<section class="story"') == 1 and "sample-federal, sample-vologda" in stories


def test_article_shows_fields_with_provenance_beside_the_archived_page(
    client: FlaskClient, console_data: ConsoleData
) -> None:
    page = text(client, f"/articles/{console_data.vologda_id}")
    views = re.search(r'<tr data-field="views">.*?</tr>', page, flags=re.S)
    assert views and "978" in views.group(0) and "html:views-element" in views.group(0)
    assert f'<iframe src="/articles/{console_data.vologda_id}/archived" sandbox=""' in page
    archived = client.get(f"/articles/{console_data.vologda_id}/archived")
    assert archived.status_code == 200 and archived.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = archived.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and csp.endswith("sandbox") and "script-src" not in csp
    assert "Бензин в Вологодской области" in archived.get_data(as_text=True)  # the bytes as fetched
    assert client.get("/articles/999999").status_code == 404


def test_a_token_is_required_when_set(console_data: ConsoleData) -> None:
    settings = console_data.settings
    pool = reader_pool(settings)
    try:
        app = create_app(Backends(pool, lambda: None, settings.redis_url, token="s3cret-token"))
        client = app.test_client()
        assert client.get("/").status_code == 401
        assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        first = client.get("/alerts?token=s3cret-token")
        assert first.status_code == 303 and first.headers["Location"] == "/alerts"  # the token leaves the URL
        assert "HttpOnly" in first.headers["Set-Cookie"] and "SameSite=Strict" in first.headers["Set-Cookie"]
        assert client.get("/alerts").status_code == 200  # the cookie
        assert client.get("/healthz").status_code == 200  # for health checks; says nothing
    finally:
        pool.close()


def test_the_console_reads_as_the_reader_and_is_never_exposed_without_a_token(console_data: ConsoleData) -> None:
    pool = reader_pool(console_data.settings)
    try:
        with pool.connection() as conn:
            assert conn.execute("SELECT current_user AS u").fetchone()["u"] == "newsarchive_reader"  # type: ignore[index]
    finally:
        pool.close()
    with pytest.raises(ConsoleError, match="CONSOLE_TOKEN"):
        check_exposure("0.0.0.0", "")
    check_exposure("0.0.0.0", "a-token")
    check_exposure("127.0.0.1", "")
    with pytest.raises(ConsoleError, match=r"public\.articles"):
        reader_pool(replace(console_data.settings, console_database_url=console_data.settings.database_url))


def test_migrate_makes_the_console_login_from_its_url(console_data: ConsoleData) -> None:
    settings = console_data.settings
    url = reader_url(settings.database_url, "console_test_login", "a-password")
    run_cli(settings, "migrate", env={"CONSOLE_DATABASE_URL": url})
    run_cli(settings, "migrate", env={"CONSOLE_DATABASE_URL": url})  # again: the login is updated, not doubled
    pool = reader_pool(replace(settings, console_database_url=url))
    try:
        with pool.connection() as conn:
            assert conn.execute("SELECT current_user AS u").fetchone()["u"] == "console_test_login"  # type: ignore[index]
            assert conn.execute("SELECT count(*) AS n FROM api.parser_alerts").fetchone()["n"] == 2  # type: ignore[index]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT 1 FROM public.articles")
    finally:
        pool.close()
        with connect(settings.database_url, autocommit=True) as admin:
            admin.execute("DROP ROLE console_test_login")
