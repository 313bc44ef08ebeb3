"""Replay check: the WARC that `newsarchive export-warc` writes, served by pywb, gives back every archived
page byte for byte.

    python bench/pywb_replay.py [--cache-dir ~/.cache/newsarchive] [--keep-going]

On local services (deploy/local_services.py) it crawls the sample site (deploy/sample_site) into the raw
archive, and imports a WARC that warcio's capture_http recorded from a copy of some of its pages served
`Transfer-Encoding: chunked`, half of them gzipped too (another crawler's WARC, chunk markers and all). It
exports the whole archive with `newsarchive export-warc`, indexes the file with pywb's `wb-manager`, serves
it with `wayback` on a free localhost port, fetches every archived URL in pywb's `id_` mode (the original
bytes, no rewriting) at its fetch time and compares the body with the archived one. pywb lives in its own
virtualenv under the cache dir (its pinned redis client conflicts with Celery's), made on the first run.

Prints each step's time and `replay: N/N pages byte-identical`; exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from warcio.capture_http import capture_http  # replaces http.client's connection class: before any request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.local_services import free_port, local_services, wait_for_port  # noqa: E402
from deploy.sample_site.server import WWW_DIR, SampleSiteServer, content_type  # noqa: E402
from deploy.sample_site.sites import sample_sources  # noqa: E402
from deploy.settings import Settings  # noqa: E402
from storage.migrate import apply_migrations  # noqa: E402
from storage.rawstore import RawStore  # noqa: E402

PYWB = "pywb==2.10.0"
COLLECTION = "newsarchive"
# A browser's Accept-Encoding, so that pywb hands a gzip body over as archived rather than decoding it.
ACCEPT = {"Accept-Encoding": "gzip, deflate, br"}


def pywb_bin(cache_dir: Path) -> Path:
    """The bin/ of a virtualenv with pywb, made on first use (pip from the usual index)."""
    venv = cache_dir / "pywb-venv"
    marker = venv / f".installed-{PYWB}"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", PYWB]
        installed = subprocess.run(pip, capture_output=True, text=True)
        if installed.returncode != 0:
            raise SystemExit(f"pip install {PYWB} failed:\n{installed.stderr[-3000:]}")
        marker.touch()
    return venv / "bin"


def crawl_sample_site(settings: Settings, base_url: str) -> int:
    """The sample site's four outlets crawled into the archive (no worker needed: only the raw archive is
    exported); returns the article pages archived."""
    from scrapy_project.run import crawl

    pipelines = {"scrapy_project.pipelines.archive.ArchivePipeline": 100,
                 "scrapy_project.pipelines.state.CrawlStatePipeline": 300}  # fmt: skip
    stats = crawl(settings, sample_sources(base_url), overrides={"LOG_LEVEL": "WARNING", "ITEM_PIPELINES": pipelines})
    return sum(int(s.get("newsarchive/archived", 0)) for s in stats.values())


def payload(path: str) -> bytes:
    """What the chunked server means to send for a path: the sample page, gzipped under /chunked-gzip/."""
    prefix, _, rest = path.lstrip("/").partition("/")
    body = (WWW_DIR / rest).read_bytes()
    return gzip.compress(body, mtime=0) if prefix == "chunked-gzip" else body


class _ChunkedHandler(BaseHTTPRequestHandler):
    """Sample-site pages under /chunked/ sent `Transfer-Encoding: chunked`; those under /chunked-gzip/ gzipped too."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = payload(self.path)
        self.send_response(200)
        self.send_header("Content-Type", content_type(WWW_DIR / self.path.lstrip("/").partition("/")[2]))
        if self.path.startswith("/chunked-gzip/"):
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 1000):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(body[start : start + 1000]), body[start : start + 1000]))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


def import_chunked_pages(settings: Settings, work: Path, count: int = 8) -> dict[str, bytes]:
    """Records `count` sample pages with capture_http from a server that sends them chunked (half gzipped)
    and imports that WARC with `newsarchive import-warc`; returns URL -> the payload the server meant (the
    page, gzipped or not, without the chunking) for each."""
    pages = sorted(p.relative_to(WWW_DIR).as_posix() for p in WWW_DIR.glob("*/news/**/*.html"))[:count]
    paths = [f"/{'chunked-gzip' if number % 2 else 'chunked'}/{page}" for number, page in enumerate(pages)]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChunkedHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    warc = work / "chunked.warc.gz"
    try:
        with capture_http(str(warc)):
            for path in paths:
                with urllib.request.urlopen(base + path) as response:
                    response.read()
    finally:
        server.shutdown()
        server.server_close()
    cli(settings, "import-warc", str(warc), "--source", "chunked")
    return {base + path: payload(path) for path in paths}


def cli(settings: Settings, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "deploy.cli", *args], env={**os.environ, **settings.to_env()},
                            cwd=ROOT, capture_output=True, text=True, check=True)  # fmt: skip
    return result.stdout.strip()


@contextmanager
def serving_with_pywb(bin_dir: Path, warc: Path, work: Path) -> Iterator[str]:
    """pywb's wayback serving a collection of this one WARC on a free localhost port; yields its base URL."""
    subprocess.run([str(bin_dir / "wb-manager"), "init", COLLECTION], cwd=work, check=True, capture_output=True)
    subprocess.run([str(bin_dir / "wb-manager"), "add", COLLECTION, str(warc)], cwd=work, check=True,
                   capture_output=True)  # fmt: skip
    port = free_port()
    with open(work / "wayback.log", "wb") as log:
        proc = subprocess.Popen([str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=work,
                                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_for_port(port, proc, "pywb wayback", timeout=60)
        yield f"http://127.0.0.1:{port}/{COLLECTION}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def replayed(base: str, url: str, fetched_at: str) -> tuple[int, bytes]:
    """pywb's `id_` replay (the archived payload, unrewritten) of a URL at its fetch time."""
    stamp = datetime.fromisoformat(fetched_at).astimezone(UTC).strftime("%Y%m%d%H%M%S")
    request = urllib.request.Request(f"{base}/{stamp}id_/{url}", headers=ACCEPT)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def compare(store: RawStore, base: str, sent: dict[str, bytes]) -> tuple[int, list[str]]:
    """Every archived URL replayed and compared with the archived body, and for an imported page the body
    with what the server meant to send (`sent`): (pages checked, mismatches)."""
    checked, wrong = 0, []
    for key in store.iter_keys():
        body = store.get(key)
        for facts in store.all_facts(key):
            status, got = replayed(base, facts.final_url, facts.fetched_at)
            checked += 1
            expected = sent.get(facts.final_url, body)
            if (status, got, body) != (facts.status, expected, expected):
                markers = " (starts with a chunk size)" if re.match(rb"[0-9a-f]+\r\n", got) else ""
                wrong.append(f"{facts.final_url}: HTTP {status}, {len(got)} bytes replayed, {len(body)} archived, "
                             f"{len(expected)} sent{markers}")  # fmt: skip
    return checked, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "newsarchive",
                        help="where pywb's virtualenv is kept between runs")  # fmt: skip
    args = parser.parse_args()
    started = time.monotonic()

    def step(name: str, since: float) -> float:
        now = time.monotonic()
        print(f"{name}: {now - since:.1f} s", flush=True)
        return now

    bin_dir = pywb_bin(args.cache_dir)
    at = step(f"pywb virtualenv ({PYWB}, {bin_dir.parent})", started)
    with (
        local_services(Settings.from_env()) as settings,
        SampleSiteServer() as site,
        tempfile.TemporaryDirectory(prefix="pywb-replay-") as tmp,
    ):
        work = Path(tmp)
        apply_migrations(settings.database_url)
        RawStore.from_settings(settings).ensure_bucket()
        at = step("services", at)
        crawled = crawl_sample_site(settings, site.base_url)
        at = step(f"crawl of the sample site ({crawled} article pages archived)", at)
        sent = import_chunked_pages(settings, work)
        at = step(f"capture_http WARC of {len(sent)} chunked pages (half gzipped) imported", at)
        warc = work / "archive.warc.gz"
        print(cli(settings, "export-warc", str(warc)))
        at = step("export-warc", at)
        with serving_with_pywb(bin_dir, warc, work) as base:
            at = step("pywb indexed and listening", at)
            checked, wrong = compare(RawStore.from_settings(settings), base, sent)
            step(f"replayed {checked} pages", at)
    for line in wrong:
        print(f"  MISMATCH {line}")
    print(f"replay: {checked - len(wrong)}/{checked} pages byte-identical ({time.monotonic() - started:.0f} s in all)")
    return 1 if wrong or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
