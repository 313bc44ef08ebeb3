"""`newsarchive extract`: offline, JSON Lines, raw objects with their fetch facts, input lists, errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.cli import main
from storage.rawstore import FetchFacts, compress
from tests.fixtures.build_pages import html_path, load_cases

CASES = {c["id"]: c for c in load_cases()}
KEYS = {"file", "url", "title", "text", "published_at", "modified_at", "views", "photo_credits", "authors", "rubric",
        "tags", "cited_sources", "dateline", "agency", "language", "provenance"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    with pytest.raises(SystemExit) as exited:
        main(["extract", *argv])
    lines = capsys.readouterr().out.splitlines()
    return int(exited.value.code or 0), [json.loads(line) for line in lines]


def test_one_file_with_url_and_fetch_time(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES["portal-05"]
    code, out = run(capsys, str(html_path(case)), "--url", case["url"], "--fetched-at", case["fetched_at"])
    assert code == 0 and len(out) == 1
    assert set(out[0]) >= KEYS
    assert out[0]["views"] == 12000 and out[0]["published_at"] == "2026-01-17T11:20:00+03:00"
    assert out[0]["photo_credits"] == ["ГУ МЧС по Тверской области"]


def test_raw_object_copied_from_the_archive_uses_its_fetch_facts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES["wire-05"]  # cp1251 page whose server header says utf-8
    raw = tmp_path / "ab12.html.gz"
    raw.write_bytes(compress(html_path(case).read_bytes()))
    facts = FetchFacts(
        url=case["url"], final_url=case["url"], status=200, fetched_at=case["fetched_at"],
        headers={"Content-Type": [case["content_type"]]},
    )  # fmt: skip
    (tmp_path / "ab12.fetch.json").write_text(json.dumps(facts.__dict__), encoding="utf-8")
    code, out = run(capsys, str(raw))
    assert code == 0
    assert out[0]["url"] == case["url"] and out[0]["agency"] == "MRC"
    assert out[0]["dateline"]["place"] == "Москва"
    assert out[0]["text"] == "\n".join(case["paragraphs"])


def test_input_list_keeps_each_pages_url_and_reports_rejected_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(html_path(CASES["en-daily-02"]).read_bytes()))
    listing = tmp_path / "pages.jsonl"
    entries = [
        {
            "file": str(html_path(CASES["feed-02"])),
            "url": CASES["feed-02"]["url"],
            "fetched_at": "2026-01-17T15:00:00+03:00",
        },
        {"file": "page.html.gz", "url": CASES["en-daily-02"]["url"]},
        {"file": "empty.html", "url": "https://x.ru/empty"},
        {"file": "missing.html", "url": "https://x.ru/missing"},
    ]
    listing.write_text("\n".join(json.dumps(e) for e in entries), encoding="utf-8")
    code, out = run(capsys, "--input-list", str(listing))
    assert code == 1  # some pages were rejected
    assert [o["url"] for o in out] == [e["url"] for e in entries]
    assert out[0]["published_at"] == "2026-01-17T13:00:00+03:00"  # "2 часа назад" from the given fetch time
    assert out[1]["authors"] == ["Tom Alvarez", "Nina Patel"]
    assert out[2]["error"] == "empty body"
    assert out[3]["error"].startswith("cannot read file")


def test_source_rules_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    page = "deploy/sample_site/www/vologda/news/avto/48211-toyota-vozvrashchenie.html"
    code, out = run(capsys, page, "--source", "vologda-poisk", "--sources-file", "deploy/sources.toml")
    assert code == 0 and out[0]["provenance"]["views"] == "site-rule:.news-detail__views"
    code, _ = run(capsys, page, "--source", "nope", "--sources-file", "deploy/sources.toml")
    assert code == 2
    code, _ = run(capsys, page, "--fetched-at", "not a date")
    assert code == 2


def test_works_as_a_console_command_with_no_services() -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}  # no DATABASE_URL, REDIS_URL, S3_ENDPOINT
    case = CASES["en-md-02"]
    result = subprocess.run(
        [sys.executable, "-m", "deploy.cli", "extract", str(html_path(case)), "--url", case["url"]],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["modified_at"] == "2026-01-17T07:45:00-06:00"
