"""What archiving one page costs against each embedded S3 API server (SeaweedFS, moto behind waitress), and
against moto's own server.

    python bench/s3.py [--pages 400]

For each server (a fresh process on loopback): how long from its start until a first upload was stored,
the server CPU that took, then RawStore.put of N generated article pages (one conditional PUT: the body with
its facts as metadata) and RawStore.get of each, with wall time, client CPU and server CPU per page, and the
server's memory.
It reports, it does not judge.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.local_services import free_port, server_process  # noqa: E402
from deploy.sample_site.generated import Portal, article_path  # noqa: E402
from deploy.seaweedfs import Seaweed, running  # noqa: E402
from storage.rawstore import FetchFacts, RawStore  # noqa: E402

T = TypeVar("T")
CONTENT_TYPE = "text/html; charset=utf-8"
KEYS = ("bench", "bench-secret")


@contextlib.contextmanager
def python_server(args: list[str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    with server_process([sys.executable, *args, str(port)], port, args[1]) as server:
        yield f"http://127.0.0.1:{port}", server.pid


@contextlib.contextmanager
def seaweedfs() -> Iterator[tuple[str, int]]:
    with tempfile.TemporaryDirectory(prefix="bench-seaweedfs-") as root:
        server = Seaweed.create(Path(root), *KEYS)
        with running(server) as proc:
            yield server.endpoint, proc.pid


SERVERS: dict[str, Callable[[], contextlib.AbstractContextManager[tuple[str, int]]]] = {
    "SeaweedFS (weed server -filer -s3)": seaweedfs,
    "deploy.s3_server (moto's S3 app, waitress)": lambda: python_server(["-m", "deploy.s3_server", "--port"]),
    "moto.server (Werkzeug dev server)": lambda: python_server(["-m", "moto.server", "-H", "127.0.0.1", "-p"]),
}


def generated_pages(count: int) -> list[tuple[bytes, FetchFacts]]:
    """The article pages of a generated portal with the facts of a fetch made now."""
    portal = Portal(count)
    pages = []
    for n in range(count):
        url = "http://127.0.0.1:8000" + article_path(n)
        facts = FetchFacts(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC).isoformat(),
                           headers={"Content-Type": [CONTENT_TYPE]}, source="bench")  # fmt: skip
        pages.append((portal.article(n) or b"", facts))
    return pages


def measure(server: Callable[[], contextlib.AbstractContextManager[tuple[str, int]]],
            pages: list[tuple[bytes, FetchFacts]]) -> None:  # fmt: skip
    started = time.perf_counter()
    with server() as (endpoint, pid):
        store = RawStore.connect(endpoint, *KEYS, "bench")
        store.ensure_bucket()
        store.put(b"warm-up", pages[0][1])  # moto builds its S3 backend on the first request
        proc = psutil.Process(pid)

        def server_cpu() -> float:
            times = proc.cpu_times()
            return times.user + times.system

        print(f"  start until a first upload is stored: {time.perf_counter() - started:.2f} s, server CPU "
              f"{server_cpu():.2f} s")  # fmt: skip

        def timed(label: str, call: Callable[[], list[T]]) -> list[T]:
            wall, client, served = time.perf_counter(), time.process_time(), server_cpu()
            result = call()
            per_page = len(pages) / 1000  # seconds -> ms per page
            print(f"  {label}: {(time.perf_counter() - wall) / per_page:5.1f} ms wall, client CPU "
                  f"{(time.process_time() - client) / per_page:4.1f} ms, server CPU "
                  f"{(server_cpu() - served) / per_page:4.1f} ms per page")  # fmt: skip
            return result

        keys = timed("put", lambda: [store.put(body, facts).key for body, facts in pages])
        timed("get", lambda: [store.get(key) for key in keys])
        print(f"  server memory after: {proc.memory_info().rss / 2**20:.0f} MiB RSS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    args = parser.parse_args()
    pages = generated_pages(args.pages)
    print(f"{args.pages} article pages of ~{sum(len(b) for b, _ in pages) // args.pages // 1024} KiB")
    for name, server in SERVERS.items():
        print(name)
        measure(server, pages)


if __name__ == "__main__":
    main()
