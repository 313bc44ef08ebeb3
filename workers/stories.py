"""Stories: the same event told by several outlets, found by near-duplicate detection over normalized text.

Two rewrites of one news item share few phrases but many of the same names (people, companies, places,
figures) and distinctive words. An article is reduced to two sets: `names` (capitalized words not opening a
sentence, Latin words in Russian text, multi-digit numbers) and `words` (content words of 4+ letters,
not stop words), both cut to a short prefix so Russian inflections meet (`Мосеева` / `Мосеев`). Candidates come
from MinHash LSH over the union (datasketch), so the cost grows with the window, not with its square; a
candidate pair is kept when

- the articles come from different sources (the same outlet's copies are versions or exact duplicates),
- they are in the same language and published within WINDOW of each other,
- the protagonist of one (its most mentioned name, weighted by rarity in the batch) is named in the
  other: two results of one race are two stories,
- the cosine similarities of their names and of their words reach NAMES_MIN and WORDS_MIN.

Connected articles form a story; its id is the smallest article id in it. The limits were set on
tests/fixtures/stories.py (precision and recall in docs/benchmarks.md).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from datasketch import MinHash, MinHashLSH
from psycopg_pool import ConnectionPool

from storage.records import set_story_ids, story_inputs

# Set on tests/fixtures/stories.py, where the closest calls were 0.487 (a true pair) against 0.408 for
# names, and 0.277 against 0.238 for words: a small fixture, margins to watch as it grows.
NAMES_MIN = 0.45
WORDS_MIN = 0.26
WINDOW = timedelta(days=3)
NUM_PERM = 128
LSH_THRESHOLD = 0.05  # recall first: candidates are checked exactly afterwards
PREFIX = 5

_SENTENCES = re.compile(r"(?<=[.!?…])\s+|\n+")  # the title is a sentence of its own
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.U)
_LATIN = re.compile(r"[a-z]", re.I)
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_STOP = frozenset(
    """
    это как так что для его она они или при был была были быть также после только этого того этом этой
    который которые которая которого более всех году года годы него будет может могут однако кроме между
    через около своей свои своих сообщили сообщает заявил отметил словам данным время тысяч рублей the
    and that with from this have will their said which were been after about into than more also its has
    for are was would could other over some when what they there them most only
    """.split()  # noqa: SIM905 -- a word list reads better as text
)


# Capitalized in English without naming anyone.
_NOT_NAMES = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december mr mrs ms dr
    """.split()  # noqa: SIM905 -- a word list reads better as text
)


@dataclass(frozen=True)
class StoryInput:
    article_id: int
    source: str
    language: str | None
    published_at: datetime | None
    text: str  # title and body


@dataclass(frozen=True)
class Features:
    names: frozenset[str]
    words: frozenset[str]
    mentions: tuple[tuple[str, int], ...]  # name -> times mentioned (numbers left out)


def features(text: str) -> Features:
    counts: Counter[str] = Counter()
    words: set[str] = set()
    cyrillic = bool(_CYRILLIC.search(text))
    for sentence in _SENTENCES.split(text):
        for position, token in enumerate(_TOKEN.findall(sentence)):
            lower = token.lower()
            if token[0].isdigit():
                if len(token) >= 2 and token.isdigit():
                    counts[lower] += 1
                continue
            # A brand in Latin letters inside Russian text is a name; in English, capitals say it.
            if ((token[0].isupper() and position > 0) or (cyrillic and _LATIN.match(token))) and (
                lower not in _NOT_NAMES
            ):
                counts[lower[:PREFIX]] += 1
            if len(lower) >= 4 and lower not in _STOP:
                words.add(lower[:PREFIX])
    mentions = tuple((name, n) for name, n in counts.items() if not name.isdigit())
    return Features(frozenset(counts), frozenset(words), mentions)


def similarity(a: Features, b: Features) -> tuple[float, float]:
    """Cosine similarity of the name sets and of the word sets (cosine, not Jaccard: a long article and a
    short rewrite of it must still meet)."""
    return _cosine(a.names, b.names), _cosine(a.words, b.words)


def similar_enough(a: Features, b: Features) -> bool:
    names, words = similarity(a, b)
    return names >= NAMES_MIN and words >= WORDS_MIN


def protagonist(f: Features, idf: dict[str, float]) -> str | None:
    """The name an article is most about: mentioned often, and rare in the other articles (so not
    "Россия" or "Moscow"); the first mentioned on a tie."""
    best = max(f.mentions, key=lambda item: item[1] * idf.get(item[0], 0.0), default=None)
    return best[0] if best else None


def share_protagonists(a: Features, pa: str | None, b: Features, pb: str | None) -> bool:
    """One article's protagonist appears in the other: two results of one race, or two companies' news
    on one day, are not one story."""
    return (pa is not None and pa in b.names) or (pb is not None and pb in a.names)


def same_story(a: StoryInput, b: StoryInput, window: timedelta) -> bool:
    """May these two be one story at all (before their texts are compared)?"""
    if a.source == b.source or (a.language or "") != (b.language or ""):
        return False
    return not (a.published_at and b.published_at and abs(a.published_at - b.published_at) > window)


def group_stories(articles: Iterable[StoryInput], window: timedelta = WINDOW) -> dict[int, int]:
    """article id -> story id (the smallest article id of its story; an article alone is its own story)."""
    items = list(articles)
    feats = {item.article_id: features(item.text) for item in items}
    by_id = {item.article_id: item for item in items}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    signatures = {}
    for item in items:
        signature = MinHash(num_perm=NUM_PERM)
        f = feats[item.article_id]
        signature.update_batch([("n:" + t).encode() for t in f.names] + [("w:" + t).encode() for t in f.words])
        signatures[item.article_id] = signature
        lsh.insert(item.article_id, signature)
    document_frequency = Counter(name for f in feats.values() for name, _ in f.mentions)
    idf = {name: math.log((1 + len(items)) / (1 + df)) + 1 for name, df in document_frequency.items()}
    main = {article_id: protagonist(f, idf) for article_id, f in feats.items()}
    parent = {item.article_id: item.article_id for item in items}
    for item in items:
        a = item.article_id
        for b in lsh.query(signatures[a]):
            if b <= a or not same_story(item, by_id[b], window):
                continue
            if share_protagonists(feats[a], main[a], feats[b], main[b]) and similar_enough(feats[a], feats[b]):
                _union(parent, a, b)
    return {article_id: _root(parent, article_id) for article_id in parent}


@dataclass(frozen=True)
class Regrouped:
    articles: int
    stories: int  # stories told by more than one article
    changed: int  # articles whose story id changed


def regroup_recent(pool: ConnectionPool, days: float = 7.0, now: datetime | None = None) -> Regrouped:
    """Group the articles of the last `days` days (plus WINDOW, so a story at the edge is seen whole) into
    stories and store their story ids. Running it again with nothing new changes nothing."""
    since = (now or datetime.now().astimezone()) - timedelta(days=days) - WINDOW
    with pool.connection() as conn:
        rows = story_inputs(conn, since)
    stories = group_stories(
        StoryInput(r["id"], r["source"] or "", r["language"], r["published_at"], r["text"]) for r in rows
    )
    stories = keep_older_story_ids(stories, {r["id"]: r["story_id"] for r in rows})
    with pool.connection() as conn:
        changed = set_story_ids(conn, stories)
    sizes = Counter(stories.values())
    return Regrouped(len(stories), sum(1 for n in sizes.values() if n > 1), changed)


def keep_older_story_ids(stories: dict[int, int], existing: dict[int, int | None]) -> dict[int, int]:
    """A story whose first article has left the window keeps its id: its later articles, grouped again
    without it, still point at it. Ids of stories inside the window are decided afresh."""
    story_of_root: dict[int, int] = {}
    for article_id, root in stories.items():
        older = existing.get(article_id)
        candidate = older if older is not None and older not in stories else root
        story_of_root[root] = min(story_of_root.get(root, root), candidate)
    return {article_id: story_of_root[root] for article_id, root in stories.items()}


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / (len(a) * len(b)) ** 0.5 if a and b else 0.0


def _root(parent: dict[int, int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: dict[int, int], a: int, b: int) -> None:
    ra, rb = _root(parent, a), _root(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)  # the root stays the smallest id: the story id
