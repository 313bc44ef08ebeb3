"""Plain functions behind the tasks: load an archived page, normalize it, store the record."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

import psycopg
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


@dataclass(frozen=True)
class Page:
    """An archived page to normalize, as a normalize task names it. `packed`: the raw object's bytes as
    the crawler stored them, carried by the task; used only if they are that object."""

    raw_key: str
    url: str
    fetched_at: str
    source: str | None = None
    content_type: str | None = None
    content_encoding: str | None = None
    packed: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Ready:
    """What a page gives before anything is written: its record, or the stage and reason it failed at."""

    page: Page
    record: ArticleRecord | None = None
    failure: tuple[str, str] | None = None


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
    views point. A page that cannot be normalized stays archived and gets a failures row."""
    page = Page(raw_key, url, fetched_at, source, content_type, content_encoding, packed)
    ready = prepare(store, page, rules=rules, max_bytes=max_bytes)
    with STEPS.measure("store"), pool.connection() as conn:
        return write(conn, ready)


def prepare(store: RawStore, page: Page, *, rules: SiteRules | None, max_bytes: int) -> Ready:
    """Load and normalize a page; nothing is written."""
    try:
        with STEPS.measure("load"):
            body = _load(store, page.raw_key, page.packed)
    except MissingObject as exc:  # announced but not in the store: say so, do not retry forever
        log.error("raw object missing for %s: %s", page.url, exc)
        return Ready(page, failure=("load", str(exc)))
    try:
        with STEPS.measure("extract"):
            record = normalize_page(body, url=page.url, content_type=page.content_type,
                                    fetched_at=datetime.fromisoformat(page.fetched_at), rules=rules,
                                    max_bytes=max_bytes, content_encoding=page.content_encoding)  # fmt: skip
    except NormalizeError as exc:
        log.warning("normalize failed for %s (%s): %s", page.url, page.raw_key, exc.reason)
        return Ready(page, failure=("normalize", exc.reason))
    return Ready(page, record=record)


def write(conn: psycopg.Connection, ready: Ready, source_ids: dict[str, int | None] | None = None) -> Outcome:
    """Write what a page gave: its record, version and views point, or its failures row. In the caller's
    transaction; `source_ids`: the source ids this transaction looked up already."""
    page, record = ready.page, ready.record
    if record is None:
        stage, reason = ready.failure or ("normalize", "no record")
        record_failure(conn, url=page.url, stage=stage, reason=reason, raw_key=page.raw_key, source=page.source)
        return Outcome("failed", page.url, reason)
    fetched = datetime.fromisoformat(page.fetched_at)
    row = article_row(record, raw_key=page.raw_key, fetched_at=fetched, source=page.source)
    # Pipeline mode: statements whose results are not read go out together (about half the round trips).
    with conn.pipeline():
        written = upsert_article(conn, row, source_ids)
        new_version = record_version(conn, row)
        if record.views is not None:
            record_views(conn, url=record.url, observed_at=fetched, views=record.views, raw_key=page.raw_key)
        clear_failures(conn, page.url, "normalize")
    return Outcome("stored" if written == "written" else written, record.url, new_version=new_version)


def write_all(pool: ConnectionPool, ready: list[Ready]) -> list[Outcome]:
    """Write the outcomes of several pages in one transaction (one commit for a task's batch). If the
    database refuses one page's data, each page is written alone and the refused one gets a failures row;
    a database that is away raises, for the task to retry."""
    # In URL order: two workers writing batches that share articles take their row locks in the same order.
    order = sorted(range(len(ready)), key=lambda i: ready[i].page.url)
    try:
        with STEPS.measure("store"), pool.connection() as conn:
            source_ids: dict[str, int | None] = {}
            written = {i: write(conn, ready[i], source_ids) for i in order}
        return [written[i] for i in range(len(ready))]
    except psycopg.OperationalError:
        raise
    except psycopg.Error:
        return [_write_alone(pool, one) for one in ready]


def _write_alone(pool: ConnectionPool, ready: Ready) -> Outcome:
    try:
        with pool.connection() as conn:
            return write(conn, ready)
    except psycopg.OperationalError:
        raise
    except psycopg.Error as exc:
        page, reason = ready.page, f"{type(exc).__name__}: {exc}"
        log.error("the database refused the record of %s (%s): %s", page.url, page.raw_key, reason)
        with pool.connection() as conn:
            record_failure(conn, url=page.url, stage="normalize", reason=reason, raw_key=page.raw_key,
                           source=page.source)  # fmt: skip
        return Outcome("failed", page.url, reason)


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
