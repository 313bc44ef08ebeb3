"""Story grouping: pairwise precision and recall on the labelled fixture (tests/fixtures/stories.py) and
on the sample site (where the only known pair is the Toyota one), and the time grouping takes.

    python bench/stories.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy.sample_site.content import load_site
from deploy.sample_site.sites import SITES
from tests.fixtures.stories import ARTICLES
from workers.stories import StoryInput, group_stories


def pairs(labels: list[str]) -> set[tuple[int, int]]:
    return {(i, j) for i, j in itertools.combinations(range(len(labels)), 2) if labels[i] == labels[j]}


def report(name: str, items: list[StoryInput], labels: list[str], repeat: int) -> None:
    started = time.perf_counter()
    for _ in range(repeat):
        stories = group_stories(items)
    took = (time.perf_counter() - started) / repeat
    found = pairs([str(stories[item.article_id]) for item in items])
    truth = pairs(labels)
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    print(f"{name}: {len(items)} articles, {len(truth)} same-story pairs; found {len(found)}, correct {hits}: "
          f"precision {precision:.2f}, recall {recall:.2f}; grouping {took * 1000:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    fixture = [
        StoryInput(n, a.source, a.language, a.published, a.title + "\n" + a.text) for n, a in enumerate(ARTICLES)
    ]
    report("fixture", fixture, [a.story for a in ARTICLES], args.repeat)
    items, labels = [], []
    for site in SITES:
        for article in load_site(site.name):
            published = article.published.replace(tzinfo=ZoneInfo(site.timezone))
            text = article.title + "\n" + "\n".join(article.paragraphs)
            items.append(StoryInput(len(items), site.name, "en" if site.name == "metro" else "ru", published, text))
            toyota = site.name in ("vologda", "federal") and article.slug.startswith("toyota-")
            labels.append("toyota" if toyota else f"{site.name}/{article.slug}")
    report("sample site", items, labels, args.repeat)


if __name__ == "__main__":
    main()
