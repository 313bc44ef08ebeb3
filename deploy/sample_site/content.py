"""Parse content/<site>.txt: articles separated by '=== slug' lines, 'key: value' headers, paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

CONTENT_DIR = Path(__file__).with_name("content")


@dataclass(frozen=True)
class Article:
    site: str
    slug: str
    title: str
    published: datetime  # local time of the outlet
    paragraphs: tuple[str, ...]
    meta: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.meta.get(key, default)

    @property
    def views(self) -> int | None:
        return int(self.meta["views"]) if "views" in self.meta else None


def load_site(site: str) -> list[Article]:
    text = (CONTENT_DIR / f"{site}.txt").read_text(encoding="utf-8")
    articles = []
    for chunk in text.split("=== ")[1:]:
        head, _, rest = chunk.partition("\n")
        header, _, body = rest.partition("\n\n")
        meta = dict(line.split(": ", 1) for line in header.splitlines() if line.strip())
        paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
        articles.append(
            Article(
                site=site,
                slug=head.strip(),
                title=meta.pop("title"),
                published=datetime.fromisoformat(meta.pop("published")),
                paragraphs=paragraphs,
                meta=meta,
            )
        )
    return articles
