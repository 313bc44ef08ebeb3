"""What a spider hands to the pipelines: one fetched article page, bytes exactly as received."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.rawstore import first_header


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
    packed: bytes = field(default=b"", repr=False)  # the stored object's bytes (gzip), set with raw_key
    # From the crawl state (IncrementalMiddleware): archived before, and the body archived last time.
    known: bool = False
    previous_raw_key: str | None = None

    @property
    def unchanged(self) -> bool:
        """Archived before with exactly these bytes (content-addressed keys): nothing to re-process."""
        return self.known and self.raw_key is not None and self.raw_key == self.previous_raw_key

    def header(self, name: str) -> str | None:
        return first_header(self.headers, name)

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")
