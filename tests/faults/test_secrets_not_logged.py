"""Secrets come from the environment and never reach output or logs: the demo run at DEBUG level (crawl,
worker, summary) and a command that fails to reach its database print neither the S3 secret key nor the
database password."""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from deploy.local_services import free_port
from deploy.settings import Settings
from tests.helpers import run_cli

pytestmark = pytest.mark.integration

WORKER_LOG = Path("/tmp/newsarchive-demo-worker.log")  # where deploy/demo.py puts it


def _with_password(dsn: str) -> tuple[str, str | None]:
    """The DSN and its password; a server that does not check passwords (the throwaway one) gets one
    added, so there is a password that could leak."""
    password = conninfo_to_dict(dsn).get("password")
    if password:
        return dsn, str(password)
    candidate = "pw-" + secrets.token_hex(8)
    with_password = make_conninfo(dsn, password=candidate)
    try:
        psycopg.connect(with_password).close()
    except psycopg.OperationalError:
        return dsn, None
    return with_password, candidate


def test_secrets_are_never_printed(settings: Settings) -> None:
    dsn, password = _with_password(settings.database_url)
    watched = [s for s in (settings.s3_secret_key, password) if s]
    assert watched, "no secret to watch"
    with_password = replace(settings, database_url=dsn)
    debug = {"LOG_LEVEL": "DEBUG"}
    worker_log_start = WORKER_LOG.stat().st_size if WORKER_LOG.exists() else 0

    demo = run_cli(with_password, "demo", env=debug)
    assert "failed          0" in demo.stdout
    worker_log = WORKER_LOG.read_bytes()[worker_log_start:].decode("utf-8", "replace")

    unreachable = make_conninfo(dsn, host="127.0.0.1", port=str(free_port()))
    failed = run_cli(with_password, "runs", status=2, env={**debug, "DATABASE_URL": unreachable})
    assert "cannot use the database" in failed.stderr, failed.stderr[-2000:]

    for name, text in (("demo output", demo.stdout + demo.stderr), ("worker log", worker_log),
                       ("failed command", failed.stdout + failed.stderr)):  # fmt: skip
        for secret in watched:
            assert secret not in text, f"a secret appears in the {name}"
    assert len(demo.stderr) > 1000  # DEBUG logging did run: the check above had something to read
