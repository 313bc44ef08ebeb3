"""What a spider hands to the pipelines: one fetched article page, bytes exactly as received."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    url: str
    final_url: str
    status: int
    headers: dict[str, list[str]]
    body: bytes = field(repr=False)
    fetched_at: str  # ISO 8601, UTC
    source: str
    raw_key: str | None = field(default=None)  # set by ArchivePipeline once the bytes are stored

    @property
    def content_type(self) -> str | None:
        values = self.headers.get("Content-Type")
        return values[0] if values else None
