"""What archiving one page costs against the embedded S3 API server, and against moto's own server.

    python bench/s3.py [--pages 400]

For each server (a fresh process on loopback), after one warm-up request: RawStore.put of N generated
article pages (one conditional PUT: the body with its facts as metadata), then RawStore.get of each; prints
wall time, client CPU and server CPU per page.
It reports, it does not judge.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.local_services import free_port, server_process  # noqa: E402
from deploy.sample_site.generated import Portal, article_path  # noqa: E402
from storage.rawstore import FetchFacts, RawStore  # noqa: E402

T = TypeVar("T")
CONTENT_TYPE = "text/html; charset=utf-8"
SERVERS = {
    "deploy.s3_server (moto's S3 app, waitress)": ["-m", "deploy.s3_server", "--port"],
    "moto.server (Werkzeug dev server)": ["-m", "moto.server", "-H", "127.0.0.1", "-p"],
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


def measure(name: str, args: list[str], pages: list[tuple[bytes, FetchFacts]]) -> None:
    port = free_port()
    with server_process([sys.executable, *args, str(port)], port, name) as server:
        store = RawStore.connect(f"http://127.0.0.1:{port}", "bench", "bench-secret", "bench")
        store.ensure_bucket()
        proc = psutil.Process(server.pid)

        def server_cpu() -> float:
            times = proc.cpu_times()
            return times.user + times.system

        def timed(label: str, call: Callable[[], list[T]]) -> list[T]:
            wall, client, served = time.perf_counter(), time.process_time(), server_cpu()
            result = call()
            per_page = len(pages) / 1000  # seconds -> ms per page
            print(f"  {label}: {(time.perf_counter() - wall) / per_page:5.1f} ms wall, client CPU "
                  f"{(time.process_time() - client) / per_page:4.1f} ms, server CPU "
                  f"{(server_cpu() - served) / per_page:4.1f} ms per page")  # fmt: skip
            return result

        store.put(b"warm-up", pages[0][1])  # moto builds its S3 backend on the first request
        keys = timed("put", lambda: [store.put(body, facts).key for body, facts in pages])
        timed("get", lambda: [store.get(key) for key in keys])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    args = parser.parse_args()
    pages = generated_pages(args.pages)
    print(f"{args.pages} article pages of ~{sum(len(b) for b, _ in pages) // args.pages // 1024} KiB")
    for name, server_args in SERVERS.items():
        print(name)
        measure(name, server_args, pages)


if __name__ == "__main__":
    main()
