"""The console in a real browser (issue 17): headless Chromium opens every page of the console that
`newsarchive demo --keep` started, on the demo's data (plus parser alerts, a failure, a running crawl and a
hostile archived page), and checks what is shown; the archived page runs no script and sends no request
outside the console; with a token set, a request without it is refused. Takes the README's screenshots."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.local_services import free_port, wait_for_port
from deploy.settings import Settings
from storage.db import make_pool
from storage.rawstore import RawStore
from tests.console.conftest import ConsoleData, Outside, add_cases
from tests.helpers import ROOT, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: apt-get install chromium (.ci/run does)"),
]
# Without these, Chromium on a machine with no network hangs on refused connections (known-facts.md).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
# The README's screenshots are refreshed only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the
# work tree as it found it; they are taken, and must succeed, on every run.
DOCS = ROOT / "docs"
SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY")
TOKEN = "browser-test-token"


@dataclass(frozen=True)
class Demo:
    console: str  # the URL `newsarchive demo --keep` printed
    env: dict[str, str]  # the instance's settings, from the env file it wrote
    data: ConsoleData


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}  # local services, as on a new machine
    proc = subprocess.Popen([sys.executable, "-m", "deploy.cli", "demo", "--keep"], env={**env, "LOG_LEVEL": "WARNING"},
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        output = _read_until(proc, "Ctrl-C", timeout=240)
        console = re.search(r"console \(read-only\): (http://127\.0\.0\.1:\d+/)", output)
        env_file = re.search(r"\. (\S+\.env);", output)
        site = re.search(r"sample site at (http://127\.0\.0\.1:\d+)", output)
        assert console and env_file and site, output[-3000:]
        instance = {
            k: v.strip("'")
            for k, v in (line.split("=", 1) for line in Path(env_file.group(1)).read_text().splitlines())
        }
        settings = Settings.from_env(instance)
        assert settings.console_database_url  # the console logs in as its own read-only login
        pool = make_pool(settings.database_url, max_size=2)
        try:
            with serving(Outside()) as outside:
                data = add_cases(settings, RawStore.from_settings(settings), pool, outside, site.group(1))
                yield Demo(console.group(1), {**env, **instance}, data)
        finally:
            pool.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)


def _read_until(proc: subprocess.Popen[str], marker: str, timeout: float) -> str:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(marker):
            break
    return "".join(lines)


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data-dir
            executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1440, "height": 900},
        )  # fmt: skip
        try:
            yield context
        finally:
            context.close()


def screenshot(page, name: str, tmp_path: Path, **options: bool) -> None:  # type: ignore[no-untyped-def]
    taken = tmp_path / name
    page.screenshot(path=str(taken), **options)
    assert taken.stat().st_size > 10_000  # a page was drawn, not a blank
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(taken, DOCS / name)


def test_every_console_page_in_a_real_browser(demo: Demo, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    url = demo.console

    page.goto(url)
    assert page.title() == "Sources · newsarchive console"
    assert page.locator("tr[data-source]").count() == 4
    metro = page.locator('tr[data-source="sample-metro"]')
    assert metro.locator("svg.spark").count() == 8  # a sparkline per field
    assert metro.locator('td[data-field="views"] .last').inner_text() == "0%"
    assert metro.locator('td[data-field="title"] .last').inner_text() == "100%"
    assert "2 open" in metro.inner_text()
    assert page.locator('tr[data-source="sample-vologda"] td[data-field="views"] .last').inner_text() == "100%"
    screenshot(page, "console-sources.png", tmp_path, full_page=True)

    page.goto(url + "alerts")
    open_rows = page.locator("tr.open")
    assert open_rows.count() == 2
    assert {open_rows.nth(i).get_attribute("data-field") for i in range(2)} == {"views", "photo_credits"}
    assert "100% 0%" in " ".join(open_rows.first.inner_text().split())
    open_rows.first.locator("a").first.click()  # an example article
    assert re.search(r"/articles/\d+$", page.url) and "metro" in page.locator(".meta").inner_text()

    page.goto(url + "runs")
    running = page.locator("tr.running")
    assert running.count() == 1 and "sample-federal" in running.inner_text() and "17" in running.inner_text()
    assert page.locator("tr.finished").count() >= 5  # the demo's four crawls and the test's runs

    page.goto(url + "queue")
    assert page.locator('tr[data-queue="normalize"] td.num').inner_text() == "0"
    assert int(page.locator('td[data-rate="60"]').inner_text()) >= 32

    page.goto(url + "failures")
    page.select_option("select[name=stage]", "normalize")
    page.fill("input[name=reason]", "not HTML")
    page.click("button[type=submit]")
    assert "stage=normalize" in page.url
    rows = page.locator("tr[data-stage]")
    assert rows.count() == 1 and "report.pdf" in rows.first.inner_text()

    page.fill("header input[name=q]", "Toyota")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    results = page.locator("ol.results li")
    assert results.count() >= 3 and results.locator("mark").count() >= 3  # in Russian and in English
    assert {"sample-federal", "sample-metro", "sample-vologda"} <= {
        results.nth(i).locator(".meta").inner_text().split(" · ")[0] for i in range(results.count())
    }

    page.goto(url + "stories")
    story = page.locator("section.story")
    assert story.count() == 1 and "sample-federal, sample-vologda" in story.inner_text()
    story.locator("li a").first.click()
    assert page.locator("h1").inner_text().startswith("Toyota")

    page.goto(url + f"articles/{demo.data.vologda_id}")
    views = page.locator('tr[data-field="views"]')
    assert "978" in views.inner_text() and "html:views-element" in views.inner_text()
    assert "Вологда-поиск" in page.locator('tr[data-field="photo_credits"]').inner_text()
    frame = page.frame_locator("iframe")
    assert frame.locator("h1").inner_text() == "Бензин в Вологодской области за неделю подорожал на 12 копеек"
    screenshot(page, "console-article.png", tmp_path, full_page=False)


def test_the_archived_page_runs_no_script_and_reaches_nothing_outside(demo: Demo, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    requests: list[str] = []
    refused: dict[str, str] = {}
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: refused.setdefault(request.url, request.failure or ""))
    page.goto(demo.console + f"articles/{demo.data.hostile_id}")
    frame = page.frame_locator("iframe")
    assert frame.locator("h1").inner_text() == "Враждебная страница"
    page.wait_for_timeout(2500)  # past its meta refresh (1 s), its onload, its form submit
    archived = next(f for f in page.frames if f != page.main_frame)
    assert archived.url == demo.console + f"articles/{demo.data.hostile_id}/archived"  # not navigated away
    root = frame.locator("html")
    assert root.get_attribute("data-ran") is None and root.get_attribute("data-onload") is None
    assert demo.data.outside.hits == []  # the server outside the console heard nothing
    # Chromium reports what the page asked for; each such request outside the console was refused by the
    # policy before it was sent (the scripts, frames, objects, fetches and beacons were not even asked for).
    outside = {u: refused.get(u) for u in requests if not u.startswith(demo.console)}
    assert outside and set(outside.values()) == {"csp"}, outside  # Chromium's reason: blocked by the CSP


def test_with_a_token_a_request_without_it_is_refused(demo: Demo, browser) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {**demo.env, "CONSOLE_TOKEN": TOKEN, "CONSOLE_PORT": str(port), "LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "deploy.cli", "console"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for_port(port, proc, "console")  # type: ignore[arg-type]
        page = browser.new_page()
        base = f"http://127.0.0.1:{port}/"
        refused = page.goto(base + "alerts")
        assert refused is not None and refused.status == 401
        assert "refused" in page.inner_text("body")
        page.goto(base + f"alerts?token={TOKEN}")  # a link with the token, as an operator shares it
        assert page.url == base + "alerts" and page.locator("tr.open").count() == 2
        assert page.goto(base).status == 200  # type: ignore[union-attr]  # the cookie from then on
        other = browser.new_page()  # the same browser: the cookie holds; a stranger has none
        assert other.goto(base + "runs").status == 200  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
