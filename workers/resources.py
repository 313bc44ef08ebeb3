"""Per-process connections for tasks, opened on first use (after Celery's fork, never before)."""

from __future__ import annotations

import logging
from functools import cache

from psycopg_pool import ConnectionPool

from deploy.settings import Settings
from storage.db import make_pool
from storage.rawstore import RawStore
from workers.normalize import SiteRules
from workers.site_rules import load_site_rules

log = logging.getLogger(__name__)


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def pool() -> ConnectionPool:
    s = settings()
    return make_pool(s.database_url, max_size=s.db_pool_max)


@cache
def raw_store() -> RawStore:
    return RawStore.from_settings(settings())


@cache
def site_rules() -> dict[str, SiteRules]:
    """Rules per source name, from the sources file. Without the file the generic path serves every page."""
    path = settings().sources_file
    try:
        return load_site_rules(path)
    except FileNotFoundError:
        log.warning("sources file %s not found: normalizing without site rules", path)
        return {}
