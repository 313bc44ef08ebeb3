"""The base of the page tasks: a page whose task gives up (retries exhausted, time limit, an unexpected
error) gets a failures row an operator can read, instead of only a line in a worker log."""

from __future__ import annotations

import logging
from typing import Any

from billiard.einfo import ExceptionInfo
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded

from storage.records import record_failure
from workers import resources

log = logging.getLogger(__name__)


class PageTask(Task):  # type: ignore[misc]
    def on_failure(self, exc: BaseException, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                   einfo: ExceptionInfo) -> None:  # fmt: skip
        if isinstance(exc, SoftTimeLimitExceeded):
            reason = f"gave up: longer than {self.soft_time_limit} s"
        else:
            reason = f"gave up after {self.request.retries} retries: {type(exc).__name__}: {exc}"
        # A batch (newsarchive.normalize_pages) gives up for each of its pages: which were stored before the
        # error is not known, and a page stored later clears its row.
        for page in kwargs.get("pages") or [kwargs]:
            raw_key = page.get("raw_key") or (args[0] if args else None)
            url = page.get("url") or (args[1] if len(args) > 1 else None) or raw_key or "?"
            log.error("%s %s (%s): %s", self.name, url, raw_key, reason)
            try:
                with resources.pool().connection(timeout=10) as conn:
                    record_failure(conn, url=url, stage="normalize", reason=reason, raw_key=raw_key,
                                   source=page.get("source"))  # fmt: skip
            except Exception:  # the database may be what is down: the log line above is what remains
                log.exception("could not record the failure of %s", url)
