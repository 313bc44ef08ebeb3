"""`newsarchive console`: the console served by waitress, connected as the read-only role."""

from __future__ import annotations

import logging
from functools import cache

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from deploy.console.app import Backends, create_app
from deploy.console.auth import is_loopback
from deploy.settings import Settings
from storage.rawstore import RawStore
from storage.reader_login import READER_ROLE

log = logging.getLogger(__name__)


class ConsoleError(RuntimeError):
    """The console cannot start as configured (a message for the operator)."""


def reader_pool(settings: Settings) -> ConnectionPool:
    """Connections that read the `api` views and nothing else: a login in newsarchive_reader
    (CONSOLE_DATABASE_URL), else DATABASE_URL narrowed to that role with SET ROLE; read-only either way."""
    narrow = not settings.console_database_url

    def configure(conn: psycopg.Connection) -> None:
        if narrow:
            conn.execute(f"SET ROLE {READER_ROLE}")
        conn.execute("SET default_transaction_read_only = on")

    pool = ConnectionPool(
        settings.console_database_url or settings.database_url,
        min_size=1,
        max_size=4,
        timeout=10,
        kwargs={"row_factory": dict_row, "autocommit": True},
        configure=configure,
        check=ConnectionPool.check_connection,
        open=True,
    )
    with pool.connection() as conn:  # refuse to run with more than the reader's rights
        row = conn.execute("SELECT has_table_privilege('public.articles', 'SELECT') AS can").fetchone()
        if row and row["can"]:
            pool.close()
            raise ConsoleError("the console's database login can read public.articles: give it a login that is a"
                               f" member of {READER_ROLE} only (CONSOLE_DATABASE_URL)")  # fmt: skip
    return pool


def check_exposure(host: str, token: str) -> None:
    if not token and not is_loopback(host):
        raise ConsoleError(f"the console listens on {host}, beyond this machine: set CONSOLE_TOKEN")


def serve(settings: Settings, host: str, port: int) -> None:
    import waitress

    check_exposure(host, settings.console_token)
    if not (settings.console_database_url or settings.database_url):
        raise ConsoleError("set CONSOLE_DATABASE_URL (or DATABASE_URL)")
    pool = reader_pool(settings)

    @cache
    def raw_store() -> RawStore | None:
        return RawStore.from_settings(settings) if settings.s3_endpoint else None

    app = create_app(Backends(pool, raw_store, settings.redis_url, settings.console_token))
    print(f"console at http://{host}:{port}/", flush=True)
    try:
        waitress.serve(app, host=host, port=port, threads=4, ident="newsarchive-console", _quiet=True)
    finally:
        pool.close()
