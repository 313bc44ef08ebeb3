"""What `newsarchive health` prints: the parser health table per source and day, then the alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

from storage.health import FIELDS, VIA_KINDS
from workers.health import format_value

# Short column headings, in the order of storage.health.FIELDS and VIA_KINDS.
_FIELD_HEADS = ("title", "body", "published", "views", "credits", "authors", "rubric", "language")
_VIA_HEADS = ("json-ld", "meta", "rule", "pattern", "html", "other")


def day_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    """A heading, then one line per source and day; shares and provenance mix in percent."""
    return _share_lines(rows, f"{'day':<10}", lambda row: f"{row['day']:%Y-%m-%d}")


def run_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    """The same per crawl run: its id and start time instead of the day."""
    return _share_lines(
        rows,
        f"{'run':>6} {'started (UTC)':<16}",
        lambda row: f"{row['run_id']:>6} {row['started_at'].astimezone(UTC):%Y-%m-%d %H:%M}",
    )


def _share_lines(rows: list[dict[str, Any]], key_head: str, key: Callable[[dict[str, Any]], str]) -> Iterator[str]:
    heads = [*_FIELD_HEADS, "median body", *(f"via {h}" if i == 0 else h for i, h in enumerate(_VIA_HEADS))]
    yield f"{'source':<20} {key_head} {'records':>7} " + " ".join(heads)
    for row in rows:
        cells = [_percent(row[f"{f}_share"]) for f in FIELDS]
        cells += [str(row["median_body_length"]), *(_percent(row[f"via_{k}"]) for k in VIA_KINDS)]
        aligned = " ".join(cell.rjust(len(head)) for cell, head in zip(cells, heads, strict=True))
        yield f"{row['source']:<20} {key(row)} {row['records']:>7} {aligned}"


def alert_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    open_ = [r for r in rows if r["cleared_at"] is None]
    yield f"open alerts: {len(open_)}"
    for row in rows:
        since = row["first_seen_at"].astimezone(UTC)
        state = "open" if row["cleared_at"] is None else f"cleared {row['cleared_at'].astimezone(UTC):%H:%M} UTC"
        examples = ", ".join(map(str, row["example_article_ids"]))
        yield (
            f"  {row['source']:<20} {row['field']:<14} {format_value(row['field'], row['before'])} ->"
            f" {format_value(row['field'], row['now'])} since {since:%Y-%m-%d %H:%M} UTC ({state}):"
            f" {row['records_affected']} of the latest {row['records']} records"
            + (f", e.g. articles {examples}" if examples else "")
        )


def _percent(value: object) -> str:
    return "-" if value is None else f"{float(value):.0%}"  # type: ignore[arg-type]
