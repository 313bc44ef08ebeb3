"""The one settings module: every environment variable the system reads, with its default.

Each field names its variable in its metadata; `Settings.from_env()` is the only place that reads
the environment, and docker-compose.yml / deploy/env.example set exactly these names (a test checks).
Secrets (database password, S3 keys) come only from the environment and are never logged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

_DEPLOY_DIR = Path(__file__).resolve().parent


def _env(name: str, **kw: Any) -> Any:
    return field(metadata={"env": name}, **kw)


@dataclass(frozen=True)
class Settings:
    # Services. Empty means "not configured": `newsarchive demo` then starts a local one.
    database_url: str = _env("DATABASE_URL", default="")
    redis_url: str = _env("REDIS_URL", default="")
    s3_endpoint: str = _env("S3_ENDPOINT", default="")
    s3_access_key: str = _env("S3_ACCESS_KEY", default="")
    s3_secret_key: str = _env("S3_SECRET_KEY", default="")
    s3_bucket: str = _env("S3_BUCKET", default="newsarchive-raw")
    s3_region: str = _env("S3_REGION", default="us-east-1")
    # The S3 server `newsarchive demo` and the tests start when S3_ENDPOINT is unset: seaweedfs (objects on
    # disk, signatures checked) or moto (in memory, any key accepted). README, "Embedded services".
    embedded_s3: str = _env("EMBEDDED_S3", default="seaweedfs")

    # Database pool per process.
    db_pool_max: int = _env("DB_POOL_MAX", default=4)

    # Workers.
    worker_concurrency: int = _env("WORKER_CONCURRENCY", default=2)
    # Redis transport: an unacked task of a dead worker comes back after this many seconds.
    # Keep it above the longest task (known-facts.md).
    broker_visibility_timeout: int = _env("BROKER_VISIBILITY_TIMEOUT", default=60)
    # Seconds one page may take to normalize (soft limit; the hard limit is 10 s more). Keep it and its
    # hard limit below BROKER_VISIBILITY_TIMEOUT.
    normalize_time_limit: int = _env("NORMALIZE_TIME_LIMIT", default=30)
    max_page_bytes: int = _env("MAX_PAGE_BYTES", default=10 * 1024 * 1024)

    # Crawler.
    sources_file: str = _env("SOURCES_FILE", default=str(_DEPLOY_DIR / "sources.toml"))
    crawl_concurrency: int = _env("CRAWL_CONCURRENCY", default=32)
    # Per host, unless a source sets its own `concurrency` / `delay` (sources file).
    crawl_host_concurrency: int = _env("CRAWL_HOST_CONCURRENCY", default=8)
    # AutoThrottle aims at this many requests in flight per host (0 switches it off).
    crawl_autothrottle_target: float = _env("CRAWL_AUTOTHROTTLE_TARGET", default=4.0)
    # A process sharing a crawl run's frontier stops once the shared queue stayed empty this long.
    frontier_idle_seconds: float = _env("FRONTIER_IDLE_SECONDS", default=5.0)
    # While the object store, broker or database is unreachable the crawl pauses and retries; after this
    # many seconds of one outage it ends instead (scrapy_project/outage.py).
    crawl_outage_max_seconds: float = _env("CRAWL_OUTAGE_MAX_SECONDS", default=600.0)
    # Pages archived within 0.2 s are announced as one task of up to this many (newsarchive.normalize_pages);
    # 1 sends one newsarchive.normalize per page, for workers older than the batch task.
    crawl_announce_batch: int = _env("CRAWL_ANNOUNCE_BATCH", default=16)
    # A run's budget, unless a source sets `max_depth` / `max_pages` / `max_minutes`: links followed from a
    # start URL, responses, minutes. A run that reaches one ends with reason closespider_* and is finished.
    crawl_max_depth: int = _env("CRAWL_MAX_DEPTH", default=10)
    crawl_max_pages: int = _env("CRAWL_MAX_PAGES", default=20000)
    crawl_max_minutes: float = _env("CRAWL_MAX_MINUTES", default=60.0)
    # A crawl's run row gets a heartbeat and its counts so far this often (30 at most: reconciliation closes
    # a run silent for 5 minutes).
    crawl_heartbeat_seconds: float = _env("CRAWL_HEARTBEAT_SECONDS", default=30.0)
    # Scrapy's remote-control server (it runs code sent to it): only for an operator who asks for it.
    crawl_remote_control: bool = _env("CRAWL_REMOTE_CONTROL", default=False)
    crawl_user_agent: str = _env("CRAWL_USER_AGENT", default="newsarchive/0.1 (+https://example.org/newsarchive)")

    # Parser health (workers/health.py). A source's latest records (those since its latest crawl run began,
    # and at least HEALTH_MIN_RECORDS) are compared with its records of the HEALTH_BASELINE_DAYS before them.
    health_baseline_days: float = _env("HEALTH_BASELINE_DAYS", default=14.0)
    # Fewer records than this on either side, and nothing is judged: 3 records say nothing.
    health_min_records: int = _env("HEALTH_MIN_RECORDS", default=10)
    # A field alerts when its share falls below this fraction of its baseline (views on 95 % -> under 47.5 %)...
    health_share_drop: float = _env("HEALTH_SHARE_DROP", default=0.5)
    # ...and a binomial test says so with this much confidence (chance of so few by luck at most this).
    health_significance: float = _env("HEALTH_SIGNIFICANCE", default=0.001)
    # The median body length alerts below this fraction of its baseline median.
    health_body_drop: float = _env("HEALTH_BODY_DROP", default=0.5)
    # An alert clears once its value is back to this fraction of what it was before (hysteresis: no flapping).
    health_recover: float = _env("HEALTH_RECOVER", default=0.8)
    # A body shorter than this many characters does not count as a body (a teaser, a caption, a stub).
    health_min_body_chars: int = _env("HEALTH_MIN_BODY_CHARS", default=200)

    # The web console (console/): a login in the read-only role newsarchive_reader (`newsarchive migrate` creates
    # it from this URL's user and password); unset, it uses DATABASE_URL and SET ROLE newsarchive_reader.
    console_database_url: str = _env("CONSOLE_DATABASE_URL", default="")
    console_host: str = _env("CONSOLE_HOST", default="127.0.0.1")
    console_port: int = _env("CONSOLE_PORT", default=8780)
    # Required on every request when set (header, or once in ?token=, then a cookie); the console refuses to
    # listen beyond loopback without it. A secret: environment only.
    console_token: str = _env("CONSOLE_TOKEN", default="")

    log_level: str = _env("LOG_LEVEL", default="INFO")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.metadata["env"], f.type, raw)
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for child processes (workers, crawlers)."""
        return {f.metadata["env"]: str(getattr(self, f.name)) for f in fields(self)}

    @property
    def s3_secure(self) -> bool:
        return self.s3_endpoint.startswith("https://")

    @property
    def s3_host(self) -> str:
        """host:port for the minio SDK, which takes no scheme."""
        return self.s3_endpoint.split("://", 1)[-1].rstrip("/")

    def missing_services(self) -> list[str]:
        return [
            name
            for name, value in (
                ("DATABASE_URL", self.database_url),
                ("REDIS_URL", self.redis_url),
                ("S3_ENDPOINT", self.s3_endpoint),
            )
            if not value
        ]


def redact_url(url: str) -> str:
    """A service URL or libpq DSN fit to print: its password replaced by ***."""
    url = re.sub(r"(://[^/@:?#]*:)[^/@?#]*@", r"\1***@", url)
    return re.sub(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", url)


def env_var_names() -> set[str]:
    return {f.metadata["env"] for f in fields(Settings)}


def _parse(name: str, type_name: Any, raw: str) -> Any:
    if type_name in (int, "int"):
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(f"setting {name}: expected an integer, got {raw!r}") from exc
    if type_name in (float, "float"):
        try:
            return float(raw)
        except ValueError as exc:
            raise ValueError(f"setting {name}: expected a number, got {raw!r}") from exc
    if type_name in (bool, "bool"):
        if raw.strip().lower() not in _BOOLEANS:
            raise ValueError(f"setting {name}: expected true or false, got {raw!r}")
        return _BOOLEANS[raw.strip().lower()]
    return raw


_BOOLEANS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}
