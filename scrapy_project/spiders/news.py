"""A generic news spider for one source: follows in-domain links, hands article pages on as items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor

from scrapy_project.items import FetchedPage
from scrapy_project.sources import Source


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(name=f"news:{source.name}", **kwargs)
        self.source = source
        self.start_urls = list(source.start_urls)
        self.allowed_domains = list(source.allowed_domains)
        # Domains are checked on the host name here (LinkExtractor's allow_domains compares host:port)
        # and again by Scrapy's OffsiteMiddleware for every request.
        self.links = LinkExtractor(unique=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if self.source.is_article(response.url):
            yield self.page_item(response)
        if not hasattr(response, "text"):  # binary: nothing to follow
            return
        for link in self.links.extract_links(response):
            if not self.source.allows_host(link.url):
                continue
            if self.source.is_article(link.url) or self.source.follows(link.url):
                yield response.follow(link, callback=self.parse)

    def page_item(self, response: Response) -> FetchedPage:
        redirects = response.meta.get("redirect_urls") or [response.url]
        return FetchedPage(
            url=redirects[0],
            final_url=response.url,
            status=response.status,
            headers={k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()},
            body=response.body,
            fetched_at=datetime.now(UTC).isoformat(),
            source=self.source.name,
        )
