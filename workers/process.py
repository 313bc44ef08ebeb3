"""Plain functions behind the tasks: load an archived page, normalize it, store the record."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from psycopg_pool import ConnectionPool

from storage.rawstore import MissingObject, RawStore, unpack
from storage.records import (
    ArticleRow,
    clear_failures,
    raw_keys_of,
    record_failure,
    record_version,
    record_views,
    upsert_article,
)
from workers.normalize import DEFAULT_MAX_BYTES, ArticleRecord, NormalizeError, SiteRules, normalize_page
from workers.steps import STEPS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # "stored" | "unchanged" (the record already said exactly this) | "stale" | "failed"
    url: str
    detail: str = ""
    new_version: bool = False  # this content was not among the article's versions yet


def normalize_archived(
    store: RawStore,
    pool: ConnectionPool,
    *,
    raw_key: str,
    url: str,
    fetched_at: str,
    source: str | None = None,
    content_type: str | None = None,
    rules: SiteRules | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    content_encoding: str | None = None,
    packed: bytes | None = None,
) -> Outcome:
    """Idempotent: the same message processed twice leaves one article row (or one failure row) and one
    views point. A page that cannot be normalized stays archived and gets a failures row. `packed`: the
    raw object's bytes as the crawler stored them, carried by the task; used only if they are that object."""
    try:
        with STEPS.measure("load"):
            body = _load(store, raw_key, packed)
    except MissingObject as exc:  # announced but not in the store: say so, do not retry forever
        log.error("raw object missing for %s: %s", url, exc)
        with pool.connection() as conn:
            record_failure(conn, url=url, stage="load", reason=str(exc), raw_key=raw_key, source=source)
        return Outcome("failed", url, str(exc))
    fetched = datetime.fromisoformat(fetched_at)
    try:
        with STEPS.measure("extract"):
            record = normalize_page(body, url=url, content_type=content_type, fetched_at=fetched, rules=rules,
                                    max_bytes=max_bytes, content_encoding=content_encoding)  # fmt: skip
    except NormalizeError as exc:
        log.warning("normalize failed for %s (%s): %s", url, raw_key, exc.reason)
        with pool.connection() as conn:
            record_failure(conn, url=url, stage="normalize", reason=exc.reason, raw_key=raw_key, source=source)
        return Outcome("failed", url, exc.reason)

    row = article_row(record, raw_key=raw_key, fetched_at=fetched, source=source)
    # Pipeline mode: statements whose results are not read go out together (about half the round trips).
    with STEPS.measure("store"), pool.connection() as conn, conn.pipeline():
        written = upsert_article(conn, row)
        new_version = record_version(conn, row)
        if record.views is not None:
            record_views(conn, url=record.url, observed_at=fetched, views=record.views, raw_key=raw_key)
        clear_failures(conn, url, "normalize")
    return Outcome("stored" if written == "written" else written, record.url, new_version=new_version)


def _load(store: RawStore, raw_key: str, packed: bytes | None) -> bytes:
    if packed:
        try:
            return unpack(raw_key, packed)
        except (ValueError, OSError, EOFError) as exc:  # not that object after all: the archive has it
            log.warning("bytes sent with the task for %s are not that object (%s): reading the archive", raw_key, exc)
    return store.get(raw_key)


def reprocess_archived(
    store: RawStore,
    pool: ConnectionPool,
    raw_key: str,
    rules_for: Callable[[str | None], SiteRules | None] = lambda source: None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Outcome]:
    """Normalize an archived body again from the archive alone (no network), once for every URL that served
    it: the fetch facts stored for each give its URL, fetch time, source, content type and coding. The
    first URL goes first, so a copy's record comes after (and points at) the original's."""
    try:
        every = store.all_facts(raw_key)
    except MissingObject as exc:
        log.error("cannot re-process %s: %s", raw_key, exc)
        return [Outcome("failed", raw_key, str(exc))]
    return [
        normalize_archived(
            store,
            pool,
            raw_key=raw_key,
            url=facts.final_url,
            fetched_at=facts.fetched_at,
            source=facts.source,
            content_type=facts.header("Content-Type"),
            rules=rules_for(facts.source),
            max_bytes=max_bytes,
            content_encoding=facts.header("Content-Encoding"),
        )
        for facts in every
    ]


def archived_keys(pool: ConnectionPool, *, source: str | None = None, url: str | None = None) -> list[str]:
    """Raw objects behind current article records: of one source, or of one article."""
    with pool.connection() as conn:
        return raw_keys_of(conn, source=source, url=url)


def article_row(record: ArticleRecord, *, raw_key: str, fetched_at: datetime, source: str | None) -> ArticleRow:
    return ArticleRow(
        url=record.url,
        title=record.title,
        body=record.text,
        published_at=record.published_at,
        language=record.language,
        raw_key=raw_key,
        content_hash=record.content_hash,
        fetched_at=fetched_at,
        source=source,
        modified_at=record.modified_at,
        views=record.views,
        rubric=record.rubric,
        authors=list(record.authors),
        tags=list(record.tags),
        photo_credits=list(record.photo_credits),
        images=[asdict(image) for image in record.images],
        cited_sources=list(record.cited_sources),
        dateline_place=record.dateline.place if record.dateline else None,
        dateline_agency=record.dateline.agency if record.dateline else None,
        agency=record.agency,
        provenance=dict(record.provenance),
        extractor_version=record.extractor_version,
    )
