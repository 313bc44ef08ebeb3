"""Downloader middleware: no request to loopback, private, link-local, metadata or other non-public
addresses, unless the source allows them: `allow_private_addresses = true` (any), or a list of
addresses / networks, e.g. `["127.0.0.1", "10.20.0.0/16"]` (the local sample and test sites do).

Runs for every request, redirects included (Scrapy sends a redirect's new request through the
downloader middlewares again), after the offsite check. Host names are resolved in Twisted's thread
pool and the answer cached per host for the crawl. A name that resolves to any non-public address is
refused. (The connection resolves again: a DNS answer that changes between the two is not covered.)
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.threads import deferToThread

log = logging.getLogger(__name__)


def non_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def allowed_networks(setting: object) -> bool | list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The source's `allow_private_addresses`: True, or the networks it lists (bad entries fail loudly)."""
    if setting is True:
        return True
    if not setting:
        return []
    if not isinstance(setting, list):
        raise ValueError(f"allow_private_addresses must be true or a list of addresses, not {setting!r}")
    return [ipaddress.ip_network(str(entry), strict=False) for entry in setting]


def _within(address: str, networks: bool | list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return networks is True or any(ip in net for net in networks)  # type: ignore[union-attr]


def resolve(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return []  # unresolvable: the download fails on its own, with its own error
    return sorted({str(info[4][0]) for info in infos})


class AddressGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cache: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        source = getattr(self.crawler.spider, "source", None)
        allowed = allowed_networks(source.extra.get("allow_private_addresses") if source else None)
        if allowed is True:
            return None
        host = urlparse_cached(request).hostname or ""
        if host not in self.cache:
            self.cache[host] = await maybe_deferred_to_future(deferToThread(resolve, host))
        refused = [a for a in self.cache[host] if non_public(a) and not _within(a, allowed)]
        if refused:
            self.crawler.stats.inc_value("newsarchive/refused_address")
            redirected_from = (request.meta.get("redirect_urls") or [None])[0]
            log.warning(
                "refused %s: %s resolves to non-public %s%s; `allow_private_addresses = true` (or a list of"
                " networks) in source %r of the sources file allows it",
                request.url, host, ", ".join(refused),
                f" (redirected from {redirected_from})" if redirected_from else "",
                source.name if source else "?",
            )  # fmt: skip
            raise IgnoreRequest(f"non-public address {', '.join(refused)}: {request.url}")
        return None
