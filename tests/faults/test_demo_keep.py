"""`newsarchive demo --keep` is a local instance to use from another shell, and Ctrl-C (or SIGTERM) stops
everything it started and deletes its data (issue 14): real processes, real signals."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.integration

SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY")


def _workdirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("newsarchive-*"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_demo_keep_serves_another_shell_and_stops_clean(sig: signal.Signals) -> None:
    before = _workdirs()
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}  # local services, as on a new machine
    demo = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli", "demo", "--keep"],
        env={**env, "LOG_LEVEL": "WARNING"}, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    deadline = time.monotonic() + 240
    assert demo.stdout is not None
    while time.monotonic() < deadline:
        line = demo.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Ctrl-C"):
            break
    output = "".join(lines)
    found = re.search(r"\. (\S+\.env);", output)
    assert found, output[-3000:]
    env_file = Path(found.group(1))
    assert env_file.stat().st_mode & 0o077 == 0  # it holds the S3 keys: this user only
    instance = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert all(instance.get(name) for name in SERVICE_VARS)

    # Another shell, with the file's settings: the instance answers (and its worker is still there).
    shell_env = {**env, **{k: v.strip("'") for k, v in instance.items()}, "LOG_LEVEL": "WARNING"}
    status = subprocess.run([sys.executable, "-m", "deploy.cli", "status"], env=shell_env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert "queues (tasks waiting): normalize 0" in status.stdout
    children = psutil.Process(demo.pid).children(recursive=True)
    assert any("celery" in " ".join(c.cmdline()) for c in children)
    # The console it printed answers, on loopback, as the read-only login of the env file.
    console = re.search(r"console \(read-only\): (http://127\.0\.0\.1:\d+/)", output)
    assert console and instance.get("CONSOLE_DATABASE_URL"), output[-3000:]
    with urllib.request.urlopen(console.group(1), timeout=30) as page:
        assert "sample-vologda" in page.read().decode()

    demo.send_signal(sig)
    demo.wait(timeout=120)
    assert demo.returncode == 130
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not env_file.exists()
    assert _workdirs() <= before  # the services' data is gone
