"""A PostgreSQL server a test owns and can stop for real: pgserver's bundled binaries, a data folder of its
own, TCP on 127.0.0.1. pgserver's API listens on a Unix socket only and stops its server at exit, so the
test drives `initdb` / `pg_ctl` itself (known-facts.md). As root, postgres refuses to run: the server runs
as pgserver's system user `pgserver`, which pgserver creates."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local_services import free_port


class OwnedPostgres:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = free_port()
        self.user = "pgserver" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=utf8")

    def start(self) -> None:
        """Start on the same port and data folder; returns once it accepts connections (`pg_ctl -w`)."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: every server process quits at once, without a checkpoint, as in a crash; the next
        start replays the WAL."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        status = subprocess.run([str(_bin("pg_ctl")), "-D", str(self.data), "status"], user=self.user,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        return status.returncode == 0

    def _run(self, program: str, *args: str) -> None:
        # Output to a file, not a pipe: the postmaster pg_ctl starts would hold a pipe open (pgserver's note).
        with open(self.root / "commands.log", "ab") as out:
            done = subprocess.run([str(_bin(program)), *args], user=self.user, stdout=out, stderr=out, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{program} {args[-1]} failed: {self._tail()}")

    def _tail(self) -> str:
        logs = [self.root / "commands.log", self.log]
        return " | ".join(p.read_text(errors="replace")[-1500:] for p in logs if p.exists())


def _bin(program: str) -> Path:
    from pgserver._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH / program


def _prepare_user(root: Path) -> None:
    """As root: the `pgserver` user, able to run the binaries and to own `root`."""
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    entry = ensure_user_exists("pgserver")
    bin_path = _bin("postgres").parent
    ensure_prefix_permissions(bin_path)
    ensure_folder_permissions(bin_path, 0o555)
    ensure_folder_permissions(bin_path.parent / "lib", 0o444)
    os.chown(root, entry.pw_uid, entry.pw_gid)


@contextlib.contextmanager
def owned_postgres() -> Iterator[OwnedPostgres]:
    """A fresh server, started; stopped and its data deleted on exit. Skips the test without pgserver."""
    pytest.importorskip("pgserver", reason="pgserver's PostgreSQL binaries are needed: pip install '.[embedded]'")
    root = Path(tempfile.mkdtemp(prefix="owned-pg-"))
    try:
        os.chmod(root, 0o755)
        if os.geteuid() == 0:
            _prepare_user(root)
        server = OwnedPostgres(root)
        server.init()
        server.start()
        try:
            yield server
        finally:
            if server.is_running():
                server.stop("fast")
    finally:
        shutil.rmtree(root, ignore_errors=True)
