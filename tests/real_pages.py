"""Real pages nobody here wrote: run an extractor over the development corpus and score it with the corpus's
own scorers (`score.py`, `ru/score_ru.py`), so the figures are the ones its README defines.

The corpus lives outside the repository (`../shared/corpus` beside the clone, or `NEWSARCHIVE_CORPUS`).
bench/extraction.py prints the figures; tests/quality/test_real_pages.py holds the floor.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import trafilatura

from workers.extract_files import PageInput, extract_pages, read_input_list

CORPUS_ENV = "NEWSARCHIVE_CORPUS"
ORDER = ("wcxb_dev", "readability", "htmldate_bbaw", "trafilatura_eval", "htmltotext", "ALL")


def corpus_dir() -> Path | None:
    """The corpus folder when it is there (it holds score.py), else None."""
    configured = os.environ.get(CORPUS_ENV)
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return folder if (folder / "score.py").is_file() else None


def load_script(path: Path) -> ModuleType:
    """One of the corpus's standard-library scripts, imported by path (it is not a package)."""
    spec = importlib.util.spec_from_file_location(f"corpus_{path.stem}", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Run:
    records: Path  # JSON Lines in the shape of `newsarchive extract`
    pages: int
    cpu_seconds: float  # this process alone: one core

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.cpu_seconds if self.cpu_seconds else 0.0


Extractor = Callable[[Iterable[PageInput]], Iterable[dict[str, Any]]]


def run(extractor: Extractor, inputs: Path, out: Path) -> Run:
    pages = list(read_input_list(inputs))
    started = time.process_time()
    with out.open("w", encoding="utf-8") as sink:
        for record in extractor(pages):
            sink.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return Run(out, len(pages), time.process_time() - started)


def newsarchive(pages: Iterable[PageInput]) -> Iterable[dict[str, Any]]:
    return extract_pages(pages)


def plain_trafilatura(pages: Iterable[PageInput]) -> Iterable[dict[str, Any]]:
    """What the corpus's baseline scripts run: bare_extraction with its own metadata on the page bytes."""
    for page in pages:
        raw = page.file.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        record: dict[str, Any] = {"file": str(page.file), "url": page.url}
        try:
            doc = trafilatura.bare_extraction(raw, url=page.url, include_comments=False, with_metadata=True)
        except Exception as exc:  # a crash is a rejected page, as in the baseline scripts
            doc, record["error"] = None, f"{type(exc).__name__}: {exc}"
        if doc is None:
            record.setdefault("error", "trafilatura extracted nothing")
        else:
            author = doc.author or ""
            record.update(
                title=doc.title,
                text=doc.text or "",
                published_at=doc.date,
                authors=[a.strip() for a in author.split(";") if a.strip()],
                rubric=doc.categories or None,
                views=None,
                photo_credits=[],
            )
        yield record


def corpus_figures(corpus: Path, records: Path) -> dict[str, dict[str, Any]]:
    """score.py's figures per set and ALL: f1, precision, recall, errors, title_exact, date_ok, author_f1..."""
    score = load_script(corpus / "score.py")
    truth = [json.loads(line) for line in (corpus / "truth.jsonl").open(encoding="utf-8") if line.strip()]
    figures, _pages = score.run(truth, str(records))
    return figures


def russian_figures(corpus: Path, records: Path) -> dict[str, tuple[int, int]]:
    """score_ru.py's tally: field -> (right, scored)."""
    ru = corpus / "ru"
    score_ru = load_script(ru / "score_ru.py")
    tally, _wrong = score_ru.score(str(ru / "labels.jsonl"), str(ru), str(records))
    return {name: (right, scored) for name, (right, scored) in tally.items() if scored}


def baseline_bodies(corpus: Path) -> dict[str, int]:
    """Characters of body plain trafilatura 2.3.1 found per page (the corpus's stored baseline run)."""
    found = {}
    with gzip.open(corpus / "baseline-trafilatura.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            found[page_key(record["file"])] = len(record.get("text") or "")
    return found


def page_key(path: str) -> str:
    """`<set>/<page>` whatever folder the corpus was read from (score.py matches pages the same way)."""
    return "/".join(str(path).replace("\\", "/").split("/")[-2:])
