"""What the announce pipeline sends: a page alone as newsarchive.normalize, pages together as one
newsarchive.normalize_pages, each with the stored bytes when they are small enough to carry."""

from __future__ import annotations

import base64
import os
from typing import Any

from scrapy.utils.test import get_crawler

from deploy.settings import Settings
from scrapy_project.items import FetchedPage
from scrapy_project.pipelines.announce import NORMALIZE_PAGES_TASK, NORMALIZE_TASK, AnnouncePipeline
from scrapy_project.settings import from_app_settings
from storage.rawstore import compress


class Broker:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], str]] = []

    def send_task(self, name: str, kwargs: dict[str, Any], queue: str, kwargsrepr: str) -> None:
        assert "raw_b64" not in kwargsrepr  # the worker's log shows the task, not the page's bytes
        self.sent.append((name, kwargs, queue))


def page(n: int, words: int = 100) -> FetchedPage:
    body = f"<p>{n} {os.urandom(4 * words).hex()}</p>".encode()  # random: compresses about 2:1
    url = f"http://127.0.0.1:1/news/{n}-novost.html"
    return FetchedPage(url=url, final_url=url, status=200, headers={"Content-Type": ["text/html"]}, body=body,
                       fetched_at="2026-11-25T10:00:00+00:00", source="portal", raw_key=f"raw/{n}",
                       packed=compress(body))  # fmt: skip


def pipeline(**settings: Any) -> tuple[AnnouncePipeline, Broker]:
    broker = Broker()
    return AnnouncePipeline(broker, get_crawler(settings_dict=settings)), broker  # type: ignore[arg-type]


def test_a_page_alone_is_a_normalize_task_carrying_its_bytes() -> None:
    announce, broker = pipeline()
    one = page(1)
    announce._send([one])
    [(name, kwargs, queue)] = broker.sent
    assert (name, queue, kwargs["raw_key"], kwargs["url"]) == (NORMALIZE_TASK, "normalize", "raw/1", one.final_url)
    assert base64.b64decode(kwargs["raw_b64"]) == one.packed and "content_encoding" not in kwargs


def test_pages_together_are_one_task_and_large_bytes_stay_in_the_archive() -> None:
    announce, broker = pipeline(ANNOUNCE_INLINE_MAX_BYTES=200)
    small, large = page(1, words=10), page(2, words=1000)
    assert len(small.packed) <= 200 < len(large.packed)
    announce._send([small, large])
    [(name, kwargs, _)] = broker.sent
    assert name == NORMALIZE_PAGES_TASK and [p["raw_key"] for p in kwargs["pages"]] == ["raw/1", "raw/2"]
    assert "raw_b64" in kwargs["pages"][0] and "raw_b64" not in kwargs["pages"][1]  # the worker reads it


def test_the_batch_size_comes_from_the_environment() -> None:
    assert from_app_settings(Settings.from_env({}))["ANNOUNCE_BATCH"] == 16
    assert from_app_settings(Settings.from_env({"CRAWL_ANNOUNCE_BATCH": "1"}))["ANNOUNCE_BATCH"] == 1
    announce, _ = pipeline(ANNOUNCE_BATCH=1)
    assert announce.batch.max_size == 1  # every page goes out alone, as newsarchive.normalize
