"""news-please on the benchmark's generated portal: CPU per stored article and articles found, to set beside
`bench/e2e.py`'s figures for this pipeline.

    python bench/peer_newsplease.py [--pages 1000] [--cache-dir ~/.cache/newsarchive] [--crawler SitemapCrawler]

news-please 1.6.16 runs from its own virtualenv under the cache dir (made on the first run; its pins
conflict with this project's). It drops the port from start URLs, so the site is served on port 80 (this
needs root, or a capability to bind it). Its default pipelines run: extraction (newspaper, readability,
date, language), the page as HTML and the article as JSON on local disk; it keeps no archive in an object
store, no queue and no database, so its figure is a crawl plus an extraction. Its default heuristics take
only pages with og:type for articles, which the generated pages lack: the og:type test is left out. CPU is
summed over the site server and the news-please processes (the launcher and its crawler children), from
start until its crawlers are done (the launcher then waits for more work and is stopped).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.local_services import wait_for_port  # noqa: E402

NEWS_PLEASE = "news-please==1.6.16"
ARTICLE = re.compile(r"/news/\d+-novost\.html$")
ENABLED_HEURISTICS = 'enabled_heuristics = {"linked_headlines": "<=0.65", "self_linked_headlines": "<=0.56"}'
PASS_CONDITION = 'pass_heuristics_condition = "linked_headlines or self_linked_headlines"'


def news_please_bin(cache_dir: Path) -> Path:
    """The news-please command of the cached virtualenv, installed on first use."""
    venv = cache_dir / "newsplease-venv"
    marker = venv / f".installed-{NEWS_PLEASE}"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", NEWS_PLEASE]
        subprocess.run(pip, check=True)
        marker.touch()
    return venv / "bin" / "news-please"


def write_config(folder: Path, default_config: Path, crawler: str) -> Path:
    """news-please's own default config, with its working folder here, quiet logs and our site as the list."""
    config = default_config.read_text()
    config = re.sub(r"(?m)^working_path = .*$", f"working_path = {folder}/", config)
    config = re.sub(r"(?m)^LOG_LEVEL = .*$", "LOG_LEVEL = ERROR", config)
    # The generated articles carry no og:type, which news-please's default condition requires of every
    # article: judged by its headline-link heuristics alone.
    config = re.sub(r"(?m)^enabled_heuristics = .*$", ENABLED_HEURISTICS, config)
    config = re.sub(r"(?m)^pass_heuristics_condition = .*$", PASS_CONDITION, config)
    (folder / "config.cfg").write_text(config)
    sitelist = {"base_urls": [{"url": "http://127.0.0.1/", "crawler": crawler}]}
    (folder / "sitelist.hjson").write_text(json.dumps(sitelist))
    return folder


class TreeCpu:
    """CPU seconds of some processes and all their descendants, sampled every 0.2 s until stop()."""

    def __init__(self, *roots: psutil.Process) -> None:
        self.roots = roots
        self.used: dict[int, float] = {}

    def sample(self) -> None:
        for root in self.roots:
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in procs:
                try:
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                self.used[proc.pid] = times.user + times.system  # a process that ends loses its last 0.2 s

    def total(self) -> float:
        return sum(self.used.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "newsarchive")
    parser.add_argument("--crawler", default="RecursiveSitemapCrawler", help="news-please's crawler for the site")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    command = news_please_bin(args.cache_dir)
    default_config = next((command.parent.parent / "lib").glob("python3*/site-packages/newsplease/config/config.cfg"))
    site_cmd = [sys.executable, "-m", "deploy.sample_site.generated", "--articles", str(args.pages),
                "--port", "80", "--no-log"]  # fmt: skip
    site = subprocess.Popen(site_cmd, cwd=ROOT)
    try:
        wait_for_port(80, site, "generated site")
        with tempfile.TemporaryDirectory(prefix="newsplease-") as tmp:
            folder = write_config(Path(tmp), default_config, args.crawler)
            started = time.perf_counter()
            crawl = subprocess.Popen([str(command), "-c", str(folder), "-no-confirm"], cwd=tmp,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            launcher = psutil.Process(crawl.pid)
            cpu = TreeCpu(launcher, psutil.Process(site.pid))
            crawled = False  # the launcher waits for more work after its crawlers are done: stopped then
            while crawl.poll() is None and time.perf_counter() - started < args.timeout:
                cpu.sample()
                crawling = any("single_crawler" in " ".join(c.cmdline()) for c in launcher.children(recursive=True))
                if crawled and not crawling:
                    break
                crawled = crawled or crawling
                time.sleep(0.2)
            crawl.terminate()
            crawl.wait(30)
            seconds = time.perf_counter() - started
            stored = [json.loads(p.read_text()) for p in Path(tmp, "data").rglob("*.json")]
    finally:
        site.terminate()
        site.wait()
    articles = {doc.get("url") for doc in stored if ARTICLE.search(urlpath(doc.get("url") or ""))}
    with_text = sum(1 for doc in stored if ARTICLE.search(urlpath(doc.get("url") or "")) and doc.get("maintext"))
    print(f"news-please {NEWS_PLEASE.split('==')[1]} ({args.crawler}) on a {args.pages}-article portal (port 80):")
    print(f"  {len(stored)} pages stored as JSON, {len(articles)} of {args.pages} articles ({with_text} with text),"
          f" in {seconds:.1f} s")  # fmt: skip
    print(f"  CPU, news-please and the site server together: {cpu.total():.1f} s"
          f" = {1000 * cpu.total() / max(len(articles), 1):.1f} ms per stored article")  # fmt: skip


def urlpath(url: str) -> str:
    return urlsplit(url).path


if __name__ == "__main__":
    main()
