"""Re-processing from the archive: normalize archived pages again with today's extraction code and site
rules, without touching the network. Records change only where the output changed (upsert_article
writes nothing for an identical row) and a version is added only for new content, so a second run
changes nothing, and an interrupted run can simply be started again."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from psycopg_pool import ConnectionPool

from storage.rawstore import RawStore
from workers.normalize import DEFAULT_MAX_BYTES, SiteRules
from workers.process import reprocess_archived


@dataclass
class ReprocessReport:
    total: int = 0  # archived bodies
    done: int = 0
    # One per URL that served a body: stored (changed) | unchanged | stale | failed
    outcomes: Counter[str] = field(default_factory=Counter)
    new_versions: int = 0

    def line(self) -> str:
        o = self.outcomes
        urls = sum(o.values())
        served = f" ({urls} URLs)" if urls != self.done else ""  # bodies served by several URLs
        return (
            f"{self.done}/{self.total} pages{served}: {o['stored']} changed, {self.new_versions} new version(s), "
            f"{o['unchanged']} unchanged, {o['stale']} superseded, {o['failed']} failed"
        )


def reprocess_pages(
    store: RawStore,
    pool: ConnectionPool,
    keys: Iterable[str],
    rules_for: Callable[[str | None], SiteRules | None] = lambda source: None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[ReprocessReport], None] | None = None,
    every_seconds: float = 2.0,
) -> ReprocessReport:
    """Re-process the pages in this process, one after another; `progress` is called every few seconds
    and at the end."""
    keys = list(keys)
    report = ReprocessReport(total=len(keys))
    last = time.monotonic()
    for key in keys:
        for outcome in reprocess_archived(store, pool, key, rules_for=rules_for, max_bytes=max_bytes):
            report.outcomes[outcome.status] += 1
            report.new_versions += outcome.new_version
        report.done += 1
        if progress and time.monotonic() - last >= every_seconds:
            progress(report)
            last = time.monotonic()
    if progress:
        progress(report)
    return report
