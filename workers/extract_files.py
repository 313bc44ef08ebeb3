"""Normalize saved pages offline (the `newsarchive extract` command): one JSON object per input file.

Operators use it to see why a page came out wrong. No service is touched. A raw object copied out of the
archive (`<sha>.html.gz`) is read as is, and its `<sha>.fetch.json` beside it, when present, supplies the
URL, Content-Type, Content-Encoding and fetch time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.rawstore import BODY_SUFFIX, FACTS_SUFFIX, FetchFacts
from workers.normalize import DEFAULT_MAX_BYTES, NormalizeError, SiteRules, normalize_page
from workers.normalize.decode import gunzip_if_compressed


@dataclass(frozen=True)
class PageInput:
    file: Path
    url: str | None = None
    fetched_at: datetime | None = None
    content_type: str | None = None
    content_encoding: str | None = None  # from the fetch facts beside a raw object


def read_input_list(path: Path) -> Iterator[PageInput]:
    """JSON Lines of {"file": ..., "url": ..., "fetched_at"?: ..., "content_type"?: ...}; relative file
    paths are taken from the list's own directory."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                file = Path(entry["file"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f'{path}:{number}: expected a JSON object with a "file" key ({exc})') from exc
            yield PageInput(
                file=file if file.is_absolute() else path.parent / file,
                url=entry.get("url"),
                fetched_at=_parse_time(entry["fetched_at"]) if entry.get("fetched_at") else None,
                content_type=entry.get("content_type"),
            )


def extract_pages(
    pages: Iterable[PageInput],
    *,
    rules: SiteRules | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[dict[str, Any]]:
    """Each input's record as a JSON-ready dict, or {"file", "url", "error"} for a page it rejected."""
    for page in pages:
        page = _with_fetch_facts(page)
        url = page.url or page.file.resolve().as_uri()
        try:
            body = page.file.read_bytes()
        except OSError as exc:
            yield {"file": str(page.file), "url": url, "error": f"cannot read file: {exc.strerror or exc}"}
            continue
        fetched_at = page.fetched_at or datetime.fromtimestamp(page.file.stat().st_mtime, UTC)
        try:
            if page.content_encoding:  # a raw object: the store's gzip around a body that keeps its codings
                body = gunzip_if_compressed(body, max_bytes)
            record = normalize_page(body, url=url, content_type=page.content_type, fetched_at=fetched_at, rules=rules,
                                    max_bytes=max_bytes, content_encoding=page.content_encoding)  # fmt: skip
        except NormalizeError as exc:
            yield {"file": str(page.file), "url": url, "error": exc.reason}
            continue
        yield {"file": str(page.file), **record.to_json()}


def _with_fetch_facts(page: PageInput) -> PageInput:
    facts_path = page.file.with_name(page.file.name.removesuffix(BODY_SUFFIX) + FACTS_SUFFIX)
    if not page.file.name.endswith(BODY_SUFFIX) or not facts_path.exists():
        return page
    try:
        facts = FetchFacts(**json.loads(facts_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return page
    return PageInput(
        file=page.file,
        url=page.url or facts.final_url or facts.url,
        fetched_at=page.fetched_at or _parse_time(facts.fetched_at),
        content_type=page.content_type or facts.header("Content-Type"),
        content_encoding=facts.header("Content-Encoding"),
    )


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
