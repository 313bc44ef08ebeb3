"""Shared fixtures. Integration tests use the services named in DATABASE_URL / REDIS_URL / S3_ENDPOINT,
and start throwaway real servers (deploy.local_services) for the ones not set."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis as redis_lib

from deploy.local_services import local_services
from deploy.settings import Settings
from storage.db import connect, make_pool
from storage.migrate import apply_migrations
from storage.rawstore import RawStore


@pytest.fixture(scope="session")
def services() -> Iterator[Settings]:
    with local_services(Settings.from_env()) as settings:
        apply_migrations(settings.database_url)
        yield settings


@pytest.fixture
def settings(services: Settings) -> Settings:
    """Per test: a fresh bucket, empty tables, empty queues (a test's unconsumed tasks name its own bucket)."""
    with connect(services.database_url) as conn:
        conn.execute("TRUNCATE articles, failures, sources RESTART IDENTITY CASCADE")
    redis_lib.Redis.from_url(services.redis_url).flushdb()
    return replace(services, s3_bucket=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def raw_store(settings: Settings) -> RawStore:
    store = RawStore.from_settings(settings)
    store.ensure_bucket()
    return store


@pytest.fixture
def pool(settings: Settings):  # type: ignore[no-untyped-def]
    p = make_pool(settings.database_url, max_size=2)
    yield p
    p.close()
