"""Console fixtures: the sample site's articles archived and normalized, Metro Tribune fetched again in its new
template (two parser alerts), a failure, stories grouped, and a hostile archived page that tries to run
scripts, send forms and reach a server outside the console."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from psycopg_pool import ConnectionPool

from deploy.settings import Settings
from storage.crawl_state import finish_run_part, start_run
from storage.db import connect
from storage.rawstore import FetchFacts, RawStore
from tests.helpers import refetch_metro, serving, store_sample_articles
from workers.health import Thresholds, run_turn
from workers.process import normalize_archived
from workers.stories import regroup_recent

SAMPLE_SITE = "http://127.0.0.1:8765"  # where store_sample_articles says the pages came from
HOSTILE_PATH = "/vologda/news/gorod/99999-vrazhdebnaya-stranitsa.html"
VOLOGDA_PATH = "/vologda/news/avto/51688-benzin-tseny.html"  # views, a photo credit, a rubric


class Outside(ThreadingHTTPServer):
    """A server outside the console that the hostile page tries to reach; it counts every request."""

    daemon_threads = True

    def __init__(self) -> None:
        self.hits: list[str] = []
        outside = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outside.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"reached")

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def hostile_page(outside: str) -> bytes:
    """An article that would run a script, submit a form, refresh to elsewhere and load from `outside`."""
    paragraphs = "".join(
        f"<p>Городская дума обсудила благоустройство набережной, пункт {n}: жители просили больше скамеек,"
        " освещения и урн вдоль реки.</p>"
        for n in range(6)
    )
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>Враждебная страница</title>
<meta http-equiv="refresh" content="1; url={outside}/refresh">
<link rel="stylesheet" href="{outside}/style.css"><link rel="prefetch" href="{outside}/prefetch">
<style>@import url("{outside}/import.css"); body {{ background: url("{outside}/bg.png"); }}</style>
<script src="{outside}/script.js"></script>
<script>document.title = "ran"; document.documentElement.setAttribute("data-ran", "1");
fetch("{outside}/fetch"); new Image().src = "{outside}/beacon";</script>
<base href="{outside}/">
</head><body onload="document.documentElement.setAttribute('data-onload', '1')">
<article><h1>Враждебная страница</h1>{paragraphs}
<img src="{outside}/photo.jpg" alt=""><iframe src="{outside}/frame"></iframe>
<object data="{outside}/object"></object><video poster="{outside}/poster.jpg"></video>
<form id="f" action="{outside}/form" method="post"><input name="q" value="x"></form>
<script>document.getElementById("f").submit();</script>
</article></body></html>""".encode()


@dataclass(frozen=True)
class ConsoleData:
    settings: Settings
    outside: Outside
    vologda_id: int  # an article with views, a credit and a rubric
    hostile_id: int


@pytest.fixture
def console_data(settings: Settings, raw_store: RawStore, pool: ConnectionPool) -> Iterator[ConsoleData]:
    """The sample site's records as the demo makes them (without its crawl), and the cases above."""
    assert store_sample_articles(raw_store, pool) == 32
    with serving(Outside()) as outside:
        yield add_cases(settings, raw_store, pool, outside, SAMPLE_SITE)


def add_cases(settings: Settings, store: RawStore, pool: ConnectionPool, outside: Outside, site: str) -> ConsoleData:
    """To the sample site's records (served at `site`): alerts, a failure, a running crawl, stories and the
    hostile page."""
    health = Thresholds(min_records=5)  # the sample outlets have 7-9 articles
    run_turn(pool, health)
    assert refetch_metro(store, pool, redesigned=True, base_url=site) == 7
    assert run_turn(pool, health).opened == 2
    fetched_at = datetime.now(UTC).isoformat()
    html = {"Content-Type": ["text/html; charset=utf-8"]}
    with connect(settings.database_url) as conn:
        run = start_run(conn, "sample-vologda", "cli")
    hostile_url = site + HOSTILE_PATH
    key = store.put(hostile_page(outside.base_url), FetchFacts(hostile_url, hostile_url, 200, fetched_at, html,
                                                                "sample-vologda")).key  # fmt: skip
    outcome = normalize_archived(store, pool, raw_key=key, url=hostile_url, fetched_at=fetched_at,
                                 source="sample-vologda", content_type=html["Content-Type"][0])  # fmt: skip
    assert outcome.status == "stored", outcome
    pdf_url = site + "/vologda/files/report.pdf"
    pdf = FetchFacts(pdf_url, pdf_url, 200, fetched_at, {"Content-Type": ["application/pdf"]}, "sample-vologda")
    normalize_archived(store, pool, raw_key=store.put(b"%PDF-1.7 a report", pdf).key, url=pdf_url,
                       fetched_at=fetched_at, source="sample-vologda", content_type="application/pdf")  # fmt: skip
    with connect(settings.database_url) as conn:
        finish_run_part(conn, run, {"pages_seen": 2, "pages_new": 2, "pages_failed": 0}, "finished")
        running = start_run(conn, "sample-federal", "beat")  # a crawl going on now
        conn.execute("UPDATE crawl_runs SET pages_seen = 17, pages_new = 3 WHERE id = %s", (running,))
        ids = {
            r["url"]: r["id"]
            for r in conn.execute(
                "SELECT id, url FROM articles WHERE url IN (%s, %s)", (hostile_url, site + VOLOGDA_PATH)
            )
        }
    regroup_recent(pool, days=365 * 100)
    run_turn(pool, health)
    return ConsoleData(settings, outside, ids[site + VOLOGDA_PATH], ids[hostile_url])
