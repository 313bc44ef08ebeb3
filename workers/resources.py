"""Per-process connections for tasks, opened on first use (after Celery's fork, never before)."""

from __future__ import annotations

from functools import cache

from psycopg_pool import ConnectionPool

from deploy.settings import Settings
from storage.db import make_pool
from storage.rawstore import RawStore


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def pool() -> ConnectionPool:
    s = settings()
    return make_pool(s.database_url, max_size=s.db_pool_max)


@cache
def raw_store() -> RawStore:
    s = settings()
    return RawStore.connect(s.s3_endpoint, s.s3_access_key, s.s3_secret_key, s.s3_bucket, s.s3_region)
