"""What normalizing one archived page costs a worker, without Celery around it.

    python bench/worker.py [--pages 300]

Archives N generated article pages, then in this one process: `normalize_page` alone (bytes to record),
`normalize_archived` (S3 read + normalize + the record's writes in PostgreSQL) on new records, and the
same again when every record is already stored unchanged. Prints wall time and this process's CPU per
page; the S3 server's and PostgreSQL's CPU are not in it. It reports, it does not judge.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.s3 import CONTENT_TYPE, generated_pages  # noqa: E402
from deploy.local_services import local_services  # noqa: E402
from deploy.settings import Settings  # noqa: E402
from storage.db import make_pool  # noqa: E402
from storage.migrate import apply_migrations  # noqa: E402
from storage.rawstore import RawStore  # noqa: E402
from workers.normalize import normalize_page  # noqa: E402
from workers.process import normalize_archived  # noqa: E402


def per_page(label: str, count: int, run: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    print(f"{label:48s} {(time.perf_counter() - wall) * 1000 / count:5.1f} ms wall,"
          f" {(time.process_time() - cpu) * 1000 / count:5.1f} ms CPU per page")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with local_services(Settings.from_env()) as s:
        apply_migrations(s.database_url)
        store = RawStore.from_settings(s)
        store.ensure_bucket()
        pool = make_pool(s.database_url, max_size=2)
        pages = [(store.put(body, facts).key, facts.url, facts.fetched_at, body)
                 for body, facts in generated_pages(args.pages)]  # fmt: skip

        def extract_only() -> None:
            for _, url, fetched_at, body in pages:
                normalize_page(body, url=url, content_type=CONTENT_TYPE, fetched_at=datetime.fromisoformat(fetched_at))

        def normalize_all() -> None:
            for key, url, fetched_at, _ in pages:
                normalize_archived(store, pool, raw_key=key, url=url, fetched_at=fetched_at, source="bench",
                                   content_type=CONTENT_TYPE)  # fmt: skip

        extract_only()  # warm-up: imports, compiled patterns, moto's S3 backend
        per_page("normalize_page (bytes to record)", len(pages), extract_only)
        per_page("normalize_archived, new records", len(pages), normalize_all)
        per_page("normalize_archived, records already stored", len(pages), normalize_all)
        pool.close()


if __name__ == "__main__":
    main()
