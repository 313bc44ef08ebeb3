"""How a crawl run ends, as the crawl_runs row and the exit status tell it (issue 14)."""

from __future__ import annotations

from deploy.cli import crawl_exit_status
from scrapy_project.extensions import run_outcome

FETCHED = {"response_received_count": 12, "robotstxt/response_count": 1}


def test_a_signal_is_an_interruption() -> None:
    assert run_outcome("shutdown", FETCHED) == "interrupted"
    assert crawl_exit_status(["finished", "interrupted"]) == 130


def test_a_run_that_fetched_nothing_failed_and_says_what_refused_it() -> None:
    only_robots = {"response_received_count": 1, "robotstxt/response_count": 1}
    refused = run_outcome("finished", {**only_robots, "newsarchive/refused_address": 1})
    assert refused.startswith("nothing fetched") and "allow_private_addresses" in refused
    assert "robots.txt" in run_outcome("finished", {**only_robots, "robotstxt/forbidden": 1})
    assert run_outcome("finished", {"newsarchive/fetch_failed": 3}) == "nothing fetched: every request failed"
    assert crawl_exit_status([refused]) == 1


def test_a_budget_is_a_normal_end() -> None:
    assert run_outcome("closespider_pagecount", FETCHED) == "closespider_pagecount"
    assert crawl_exit_status(["finished", "closespider_timeout"]) == 0
    assert crawl_exit_status(["object_store_error: NoSuchBucket"]) == 1
