"""Connections to PostgreSQL: one pool per process, opened lazily (safe across Celery's fork)."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


def connect(dsn: str, **kwargs: object) -> psycopg.Connection:
    return psycopg.connect(dsn, row_factory=dict_row, **kwargs)


def make_pool(dsn: str, max_size: int = 4, timeout: float = 10.0) -> ConnectionPool:
    """`timeout`: how long `pool.connection()` waits for a connection before PoolTimeout (an
    OperationalError). Short, so a database that is down shows as an error the caller retries with its
    own backoff (and well inside a page task's time limit) instead of a long silent wait."""
    return ConnectionPool(
        dsn,
        min_size=1,
        max_size=max_size,
        timeout=timeout,
        kwargs={"row_factory": dict_row},
        open=True,
        # A dead connection (database restarted) is replaced instead of handed out.
        check=ConnectionPool.check_connection,
    )
