"""Celery configuration, read from the one settings module."""

from __future__ import annotations

from deploy.settings import Settings
from workers.crawl import beat_schedule as beat_schedule_for

_settings = Settings.from_env()

broker_url = _settings.redis_url or "redis://127.0.0.1:6379/0"
# No result backend: callers do not wait on results; outcomes are rows in PostgreSQL.
result_backend = None
task_ignore_result = True

task_serializer = "json"
accept_content = ["json"]
timezone = "UTC"
enable_utc = True

# A task is acknowledged only after it finished, and comes back if its worker dies mid-way.
task_acks_late = True
task_reject_on_worker_lost = True
# One batch (newsarchive.normalize_pages, up to 16 pages) waiting per process: a reserved message ages toward
# the visibility timeout like a running one, and 4 batches of slow pages could outlast it.
worker_prefetch_multiplier = 1
worker_concurrency = _settings.worker_concurrency
broker_connection_retry_on_startup = True
broker_transport_options = {
    "visibility_timeout": _settings.broker_visibility_timeout,
    # Restore unacked tasks of dead workers promptly instead of every ~100 s (known-facts.md).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

# Every queue the workers read (the worker's --queues; `newsarchive status` shows their depth).
QUEUES = ("normalize", "default", "crawl")
task_routes = {
    "newsarchive.normalize": {"queue": "normalize"},
    "newsarchive.normalize_pages": {"queue": "normalize"},
    # Crawls run long: their own queue and worker, so they never hold normalization slots.
    "newsarchive.crawl_*": {"queue": "crawl"},
}
beat_schedule = {
    **beat_schedule_for(_settings.sources_file),
    # Pages whose task the broker lost are sent again (workers/reconcile.py).
    "reconcile": {"task": "newsarchive.reconcile", "schedule": 15 * 60.0},
    # A random sample of the archive is read back and checked against its keys (workers/audit.py).
    "audit": {"task": "newsarchive.audit", "schedule": 60 * 60.0},
    # New articles join their stories (the same event told by several outlets).
    "group-stories": {"task": "newsarchive.group_stories", "schedule": 10 * 60.0},
    # What share of the new records carry each field; alerts when one falls (workers/health.py).
    "parser-health": {"task": "newsarchive.parser_health", "schedule": 5 * 60.0},
}
task_default_queue = "default"
