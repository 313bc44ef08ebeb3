"""The crawler refuses loopback, private, link-local and metadata addresses, also behind a redirect,
unless the source allows them; redirects to hosts outside the source are not followed either."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scrapy_project.address_guard import allowed_networks, non_public, resolve
from tests.helpers import crawl_in_child, local_source, serving_portal, write_sources


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
     "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"],
)  # fmt: skip
def test_non_public_addresses(address: str) -> None:
    assert non_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2a00:1450:4001:80b::200e"])
def test_public_addresses(address: str) -> None:
    assert not non_public(address)


def test_resolution_and_allow_lists() -> None:
    assert "127.0.0.1" in resolve("localhost")
    assert resolve("[::1]") == ["::1"] and resolve("10.0.0.1") == ["10.0.0.1"]
    assert resolve("no-such-host.invalid") == []
    assert allowed_networks(True) is True and allowed_networks(None) == []
    with pytest.raises(ValueError):
        allowed_networks("yes")


def test_redirects_to_private_and_metadata_addresses_are_refused(tmp_path: Path) -> None:
    targets = ["127.0.0.2", "169.254.169.254", "10.0.0.1"]
    with serving_portal(5) as server:
        # Only the test server's own address is allowed; the targets are inside allowed_domains, so the
        # offsite check lets them through and the address guard is what stops them.
        source = replace(
            local_source(server.base_url, allow_private_addresses=["127.0.0.1"]),
            start_urls=tuple(f"{server.base_url}/go/to/{t}" for t in targets),
            allowed_domains=("127.0.0.1", *targets),
        )
        write_sources(tmp_path / "sources.toml", [source])
        stats = crawl_in_child(tmp_path / "sources.toml", {"ITEM_PIPELINES": {}, "DATABASE_URL": ""}, timeout=60)
    redirects = sorted(p for _, p, s in server.log if s == 302 and p.startswith("/go/to/"))
    assert redirects == sorted(f"/go/to/{t}" for t in targets)
    assert stats["portal"]["newsarchive/refused_address"] == len(targets)
    # Refused before any connection: no timeout or connection error was ever raised for them.
    errors = [k for k in stats["portal"] if k.startswith("downloader/exception_type_count/")]
    assert errors == ["downloader/exception_type_count/scrapy.exceptions.IgnoreRequest"]


def test_loopback_site_is_refused_without_permission(tmp_path: Path) -> None:
    with serving_portal(5) as server:
        source = replace(local_source(server.base_url), extra={})
        write_sources(tmp_path / "sources.toml", [source])
        stats = crawl_in_child(tmp_path / "sources.toml", {"ITEM_PIPELINES": {}, "DATABASE_URL": ""}, timeout=60)
    assert server.log == []  # not even robots.txt
    # The home page is refused before the robots middleware would ask for robots.txt.
    assert stats["portal"]["newsarchive/refused_address"] >= 1
    assert stats["portal"]["finish_reason"] == "finished"  # run_outcome makes it "nothing fetched: …"
