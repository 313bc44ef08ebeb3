"""The four sample outlets: where they live under the server, their encoding and URL shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapy_project.sources import Source


@dataclass(frozen=True)
class Site:
    name: str  # also the content file and the www/ folder
    title: str
    encoding: str
    article_pattern: str  # regex over the URL path
    start_path: str
    # Sent in the Content-Type header; None = no charset in the header (the page's <meta> says it).
    header_charset: str | None = None
    timezone: str = "Europe/Moscow"


SITES: tuple[Site, ...] = (
    Site(
        name="vologda",
        title="Вологда-поиск",
        encoding="utf-8",
        article_pattern=r"/vologda/news/[a-z]+/\d+-[a-z0-9-]+\.html$",
        start_path="/vologda/",
        header_charset="utf-8",
    ),
    Site(
        name="federal",
        title="Газета Дня",
        encoding="utf-8",
        article_pattern=r"/federal/[a-z]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+\.shtml$",
        start_path="/federal/",
        header_charset="utf-8",
    ),
    Site(
        name="mrc",
        title="Маркет Репорт",
        encoding="cp1251",
        article_pattern=r"/mrc/news/\d+\.htm$",
        start_path="/mrc/",
        header_charset="windows-1251",
    ),
    Site(
        name="metro",
        title="Metro Tribune",
        encoding="utf-8",
        article_pattern=r"/metro/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$",
        start_path="/metro/",
        header_charset="utf-8",
        timezone="America/New_York",
    ),
)

BY_NAME = {site.name: site for site in SITES}


def sample_sources(base_url: str) -> list[Source]:
    """Sources for the sample site served at base_url (e.g. http://127.0.0.1:8765)."""
    host = base_url.split("://", 1)[-1].split("/")[0].split(":")[0]
    return [
        Source(
            name=f"sample-{site.name}",
            start_urls=(base_url.rstrip("/") + site.start_path,),
            allowed_domains=(host,),
            article_pattern=site.article_pattern,
            follow_pattern="^" + re.escape(base_url.rstrip("/") + site.start_path),
            # Served on loopback: the address guard would refuse it otherwise.
            extra={"timezone": site.timezone, "allow_private_addresses": True},
        )
        for site in SITES
    ]
