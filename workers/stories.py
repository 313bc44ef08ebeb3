"""Stories: the same event told by several outlets, found by near-duplicate detection over normalized text.

Two rewrites of one news item share few phrases but many of the same names (people, companies, places,
figures) and distinctive words. An article is reduced to two sets: `names` (capitalized or Latin words
not opening a sentence, and multi-digit numbers) and `words` (content words of 4+ letters, not stop
words), both cut to a short prefix so Russian inflections meet (`Мосеева` / `Мосеев`). Candidates come
from MinHash LSH over the union (datasketch), so the cost grows with the window, not with its square; a
candidate pair is kept when

- the articles come from different sources (the same outlet's copies are versions or exact duplicates),
- they are in the same language and published within `window` of each other,
- the mean of the names and words Jaccard similarities reaches `threshold`.

Connected articles form a story; its id is the smallest article id in it. Threshold and window were set
on tests/fixtures/stories.py (precision and recall in docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.33
WINDOW = timedelta(days=3)
NUM_PERM = 128
LSH_THRESHOLD = 0.05  # recall first: candidates are checked exactly afterwards
PREFIX = 5

_SENTENCES = re.compile(r"(?<=[.!?…])\s+")
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.U)
_LATIN = re.compile(r"[a-z]", re.I)
_STOP = frozenset(
    """
    это как так что для его она они или при был была были быть также после только этого того этом этой
    который которые которая которого более всех году года годы него будет может могут однако кроме между
    через около своей свои своих сообщили сообщает заявил отметил словам данным время тысяч рублей the
    and that with from this have will their said which were been after about into than more also its has
    for are was would could other over some when what they there them most only
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


def features(text: str) -> Features:
    names: set[str] = set()
    words: set[str] = set()
    for sentence in _SENTENCES.split(text):
        for position, token in enumerate(_TOKEN.findall(sentence)):
            lower = token.lower()
            if token[0].isdigit():
                if len(token) >= 2 and token.isdigit():
                    names.add(lower)
                continue
            if (token[0].isupper() and position > 0) or _LATIN.match(token):
                names.add(lower[:PREFIX])
            if len(lower) >= 4 and lower not in _STOP:
                words.add(lower[:PREFIX])
    return Features(frozenset(names), frozenset(words))


def similarity(a: Features, b: Features) -> float:
    return (_jaccard(a.names, b.names) + _jaccard(a.words, b.words)) / 2


def same_story(a: StoryInput, fa: Features, b: StoryInput, fb: Features, threshold: float, window: timedelta) -> bool:
    if a.source == b.source or (a.language or "") != (b.language or ""):
        return False
    if a.published_at and b.published_at and abs(a.published_at - b.published_at) > window:
        return False
    return similarity(fa, fb) >= threshold


def group_stories(
    articles: Iterable[StoryInput], threshold: float = THRESHOLD, window: timedelta = WINDOW
) -> dict[int, int]:
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
    parent = {item.article_id: item.article_id for item in items}
    for item in items:
        for other in lsh.query(signatures[item.article_id]):
            if other <= item.article_id:
                continue
            b = by_id[other]
            if same_story(item, feats[item.article_id], b, feats[other], threshold, window):
                _union(parent, item.article_id, other)
    return {article_id: _root(parent, article_id) for article_id in parent}


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _root(parent: dict[int, int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: dict[int, int], a: int, b: int) -> None:
    ra, rb = _root(parent, a), _root(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)  # the root stays the smallest id: the story id
