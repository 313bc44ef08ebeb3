"""Logins in the read-only role newsarchive_reader (migration 0006) for tools that must read only the `api`
views: the console. Created from a connection URL's user and password, so one setting says both."""

from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

READER_ROLE = "newsarchive_reader"


def ensure_reader_login(admin: psycopg.Connection, reader_url: str) -> None:
    """The URL's user exists, logs in with the URL's password and is a member of newsarchive_reader only."""
    params = conninfo_to_dict(reader_url)
    user, password = params.get("user"), params.get("password")
    if not user:
        raise ValueError("CONSOLE_DATABASE_URL names no user")
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
    verb = sql.SQL("ALTER" if exists else "CREATE")
    admin.execute(
        sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
            verb, sql.Identifier(str(user)), sql.Literal(password)
        )
    )
    admin.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(READER_ROLE), sql.Identifier(str(user))))


def reader_url(database_url: str, user: str, password: str) -> str:
    """The database URL with another user and password (the same host and database)."""
    return make_conninfo(database_url, user=user, password=password)
