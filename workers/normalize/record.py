"""What normalization produces: the article record, its parts, and the one error type it raises."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# Bumped when extraction changes what it outputs; stored with each record so re-processing can tell.
EXTRACTOR_VERSION = "2026.11.1"


class NormalizeError(ValueError):
    """The page cannot become an article record; `reason` says why, for the failures table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class Dateline:
    """A wire dateline such as `МОСКВА (Маркет Репорт) --`: place and the agency named in it."""

    text: str
    place: str
    agency: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    url: str  # canonical
    title: str | None
    text: str
    published_at: datetime | None
    language: str | None
    content_hash: str
    modified_at: datetime | None = None
    views: int | None = None
    photo_credits: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    authors: tuple[str, ...] = ()
    rubric: str | None = None
    tags: tuple[str, ...] = ()
    cited_sources: tuple[str, ...] = ()
    dateline: Dateline | None = None
    agency: str | None = None  # trailing signature of a wire item, e.g. `MRC`
    # field name -> where its value came from: "json-ld", "meta:article:section", "site-rule:.views"...
    provenance: dict[str, str] = field(default_factory=dict)
    extractor_version: str = EXTRACTOR_VERSION

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: timestamps as ISO 8601 with offset, tuples as lists."""
        data = asdict(self)
        for key in ("published_at", "modified_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        for key in ("photo_credits", "authors", "tags", "cited_sources"):
            data[key] = list(data[key])
        data["images"] = [asdict(image) for image in self.images]
        return data
