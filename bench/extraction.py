"""Extraction quality and speed: this normalizer next to plain trafilatura, same pages, same run.

    python bench/extraction.py [--corpus DIR] [--no-fixtures] [--repeat 5]

1. Real pages nobody here wrote (the development corpus, ../shared/corpus or NEWSARCHIVE_CORPUS): per set,
   body precision / recall / F1, rejected pages, title / date / author figures as the corpus's score.py
   defines them; each field of the 40 hand-labelled Russian pages (ru/score_ru.py); pages/s on one core
   (CPU time of this process, raw bytes to record) over the whole corpus.
2. The fixture set, as regression: the extraction fixtures (tests/fixtures/pages, 42 pages in 7 layouts,
   3 encodings) and the sample site's article pages (32). These pages were written here, for these rules:
   a figure on them says the fixtures pass, nothing more.
Plain trafilatura is `bare_extraction(bytes, url=..., with_metadata=True)`: it decodes, parses and reads its
own metadata; fields it has no notion of (views, credits...) count as misses.
A benchmark prints figures; it does not fail on them.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy.sample_site.build import article_url, file_for
from deploy.sample_site.content import load_site
from deploy.sample_site.server import content_type
from deploy.sample_site.sites import BY_NAME
from tests import real_pages
from tests.fixtures.build_pages import html_path, load_cases
from workers.normalize import NormalizeError, normalize_page

FIELDS = ("title", "published_date", "published_at", "authors", "rubric", "tags", "views", "photo_credits",
          "cited_sources", "dateline", "agency")  # fmt: skip


@dataclass(frozen=True)
class Page:
    name: str
    body: bytes
    url: str
    content_type: str | None
    fetched_at: datetime
    text: str
    expected: dict[str, Any]


def fixture_pages() -> list[Page]:
    pages = []
    for case in load_cases():
        expect = case["expect"]
        published = datetime.fromisoformat(expect["published_at"])
        dateline = expect.get("dateline")
        pages.append(
            Page(
                name=case["id"],
                body=html_path(case).read_bytes(),
                url=case["url"],
                content_type=case.get("content_type", "text/html"),
                fetched_at=datetime.fromisoformat(case["fetched_at"]),
                text="\n".join(case["paragraphs"]),
                expected={
                    "title": case["title"],
                    "published_date": published.date(),
                    "published_at": published,
                    "authors": expect.get("authors", []),
                    "rubric": expect.get("rubric"),
                    "tags": expect.get("tags", []),
                    "views": expect.get("views"),
                    "photo_credits": expect.get("photo_credits", []),
                    "cited_sources": sorted(expect.get("cited_sources", [])),
                    "dateline": dateline,
                    "agency": expect.get("agency"),
                },
            )
        )
    return pages


def sample_site_pages() -> list[Page]:
    pages = []
    for site in ("vologda", "federal", "mrc", "metro"):
        zone = ZoneInfo(BY_NAME[site].timezone)
        for a in load_site(site):
            path = file_for(article_url(a))
            published = a.published.replace(tzinfo=zone)
            pages.append(
                Page(
                    name=f"{site}/{a.slug}",
                    body=path.read_bytes(),
                    url="http://127.0.0.1:8765" + article_url(a),
                    content_type=content_type(path),
                    fetched_at=datetime(2026, 1, 18, 12, 0, tzinfo=zone),
                    text="\n".join(a.paragraphs),
                    expected={
                        "title": a.title,
                        "published_date": published.date(),
                        "published_at": published,
                        "authors": [a.get("author")] if a.get("author") else [],
                        "rubric": a.get("rubric") or None,
                        "tags": None,  # not recorded for the sample site: not scored
                        "views": a.views,
                        "photo_credits": [a.get("credit")] if a.get("credit") else [],
                        "cited_sources": None,  # the sample site records one cited source, not the full list
                        "dateline": f"{a.get('city').title()} / Маркет Репорт" if a.get("city") else None,
                        "agency": a.get("agency") or None,
                    },
                )
            )
    return pages


def ours(page: Page) -> tuple[str, dict[str, Any]]:
    try:
        r = normalize_page(page.body, url=page.url, content_type=page.content_type, fetched_at=page.fetched_at)
    except NormalizeError:
        return "", {}
    return r.text, {
        "title": r.title,
        "published_date": r.published_at.astimezone(page.expected["published_at"].tzinfo).date()
        if r.published_at
        else None,
        "published_at": r.published_at,
        "authors": list(r.authors),
        "rubric": r.rubric,
        "tags": list(r.tags),
        "views": r.views,
        "photo_credits": list(r.photo_credits),
        "cited_sources": sorted(r.cited_sources),
        "dateline": f"{r.dateline.place} / {r.dateline.agency}" if r.dateline else None,
        "agency": r.agency,
    }


def plain_trafilatura(page: Page) -> tuple[str, dict[str, Any]]:
    doc = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
    if doc is None:
        return "", {}
    published = datetime.fromisoformat(doc.date).date() if doc.date else None
    return doc.text or "", {
        "title": doc.title,
        "published_date": published,
        "published_at": None,  # a date without time or zone
        "authors": [a.strip() for a in re.split(r";|,| and ", doc.author)] if doc.author else [],
        "rubric": doc.categories[0] if doc.categories else None,
        "tags": list(doc.tags or []),
        "views": None,
        "photo_credits": [],
        "cited_sources": [],
        "dateline": None,
        "agency": None,
    }


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def f1(expected: str, got: str) -> tuple[float, float, float]:
    want, have = tokens(expected), tokens(got)
    common = sum((want & have).values())
    precision = common / max(1, sum(have.values()))
    recall = common / max(1, sum(want.values()))
    return precision, recall, (2 * precision * recall / (precision + recall) if common else 0.0)


def score(pages: list[Page], extractor: Callable[[Page], tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    p_sum = r_sum = f_sum = 0.0
    hits: Counter[str] = Counter()
    scored: Counter[str] = Counter()
    for page in pages:
        text, fields = extractor(page)
        precision, recall, f = f1(page.text, text)
        p_sum, r_sum, f_sum = p_sum + precision, r_sum + recall, f_sum + f
        for name in FIELDS:
            want = page.expected[name]
            if want is None and name in ("tags", "cited_sources"):
                continue
            scored[name] += 1
            hits[name] += fields.get(name) == want or (not want and not fields.get(name))
    n = len(pages)
    return {
        "precision": p_sum / n,
        "recall": r_sum / n,
        "f1": f_sum / n,
        "fields": {k: hits[k] / scored[k] for k in FIELDS},
    }


def speed(pages: list[Page], extractor: Callable[[Page], object], repeat: int) -> float:
    extractor(pages[0])  # warm caches and lazy imports outside the clock
    started = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            extractor(page)
    return repeat * len(pages) / (time.perf_counter() - started)


EXTRACTORS = (("newsarchive", real_pages.newsarchive), ("trafilatura", real_pages.plain_trafilatura))


def real_page_figures(corpus: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        runs = {
            name: (
                real_pages.run(extractor, corpus / "inputs.jsonl", out / f"{name}.jsonl"),
                real_pages.run(extractor, corpus / "ru" / "inputs.jsonl", out / f"{name}-ru.jsonl"),
            )
            for name, extractor in (
                ("newsarchive", real_pages.newsarchive),
                ("trafilatura", real_pages.plain_trafilatura),
            )
        }
        score = real_pages.load_script(corpus / "score.py")
        figures = [(name, real_pages.corpus_figures(corpus, pages.records)) for name, (pages, _) in runs.items()]
        order = [s for s in real_pages.ORDER if s in figures[0][1]]
        print(f"real pages: {corpus}")
        score.print_table(figures, order)
        russian = {name: real_pages.russian_figures(corpus, ru.records) for name, (_, ru) in runs.items()}
        print(f"\nRussian pages ({corpus / 'ru'}), right/scored")
        print(f"{'field':<16}{'newsarchive':>16}{'trafilatura':>16}")
        for field in russian["newsarchive"]:
            cells = [f"{right}/{scored} {right / scored:.2f}" for right, scored in (r[field] for r in russian.values())]
            print(f"{field:<16}" + "".join(f"{c:>16}" for c in cells))
        print("\npages/s on one core (CPU time, both corpora)")
        for name, (pages, ru) in runs.items():
            rate = (pages.pages + ru.pages) / (pages.cpu_seconds + ru.cpu_seconds)
            print(f"{name:<16}{rate:>16.1f}")


def fixture_figures(repeat: int) -> None:
    pages = fixture_pages() + sample_site_pages()
    results = {"newsarchive": score(pages, ours), "trafilatura": score(pages, plain_trafilatura)}
    rates = {
        "newsarchive": speed(pages, ours, repeat),
        "trafilatura": speed(pages, plain_trafilatura, repeat),
    }
    fixtures, sample = len(fixture_pages()), len(sample_site_pages())
    print(f"fixture set (regression): {len(pages)} pages ({fixtures} fixtures + {sample} sample-site articles)")
    print(f"{'':<22}{'newsarchive':>14}{'trafilatura':>14}")
    for key in ("f1", "precision", "recall"):
        print(f"{'body ' + key:<22}{results['newsarchive'][key]:>14.3f}{results['trafilatura'][key]:>14.3f}")
    for name in FIELDS:
        ours_acc, theirs = results["newsarchive"]["fields"][name], results["trafilatura"]["fields"][name]
        print(f"{name:<22}{ours_acc:>14.1%}{theirs:>14.1%}")
    print(f"{'pages/s (one core)':<22}{rates['newsarchive']:>14.1f}{rates['trafilatura']:>14.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=real_pages.corpus_dir(), help="the real-page corpus folder")
    parser.add_argument("--no-fixtures", action="store_true", help="skip the fixture set")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the fixture set for its speed figure")
    args = parser.parse_args()
    if args.corpus is None:
        print(f"no real-page corpus found (../shared/corpus or {real_pages.CORPUS_ENV}): fixture set only\n")
    else:
        real_page_figures(args.corpus)
        print()
    if not args.no_fixtures:
        fixture_figures(args.repeat)


if __name__ == "__main__":
    main()
