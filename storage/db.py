"""Connections to PostgreSQL: one pool per process, opened lazily (safe across Celery's fork)."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


def connect(dsn: str, **kwargs: object) -> psycopg.Connection:
    return psycopg.connect(dsn, row_factory=dict_row, **kwargs)


def make_pool(dsn: str, max_size: int = 4) -> ConnectionPool:
    return ConnectionPool(
        dsn,
        min_size=1,
        max_size=max_size,
        kwargs={"row_factory": dict_row},
        open=True,
        # A dead connection (database restarted) is replaced instead of handed out.
        check=ConnectionPool.check_connection,
    )
