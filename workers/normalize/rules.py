"""Site rules: an optional declarative file per source that overrides the generic extraction.

A rules file is TOML with dated versions, as fundus keeps one parser per layout: a redesign adds a
version with a later `since` instead of changing the old one, so archived pages of the old layout still
re-process correctly. The newest version whose `since` is not after the page's fetch date applies.

    timezone = "Europe/Moscow"          # wall time of printed dates on this site

    [[version]]
    since = 2019-01-01
    body = ".news-detail__text"          # CSS selectors; each field optional
    title = "h1"
    published = ".news-detail__date"
    date_format = "%d-%m-%Y %H:%M"       # strptime format of the published/modified text
    modified = ".updated"
    views = ".news-detail__views"
    credits = [".news-photo__source"]
    rubric = ".news-detail__rubric"
    authors = [".author"]
    tags = [".tags a"]
    drop = [".week-news", ".comments"]   # blocks removed before anything is read
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

SELECTOR_FIELDS = ("body", "title", "published", "modified", "views", "rubric")
LIST_FIELDS = ("credits", "authors", "tags", "drop")


class RulesError(ValueError):
    """A rules file that cannot be used; raised when it is loaded, not when a page is processed."""


@dataclass(frozen=True)
class RuleVersion:
    since: date
    selectors: dict[str, tuple[str, ...]]  # field -> CSS selectors, tried in order
    compiled: dict[str, tuple[CSSSelector, ...]] = field(repr=False, compare=False)
    date_format: str | None = None

    def select(self, name: str, root: etree._Element) -> list[etree._Element]:
        return [el for selector in self.compiled.get(name, ()) for el in selector(root)]

    def via(self, name: str) -> str:
        return "site-rule:" + ", ".join(self.selectors.get(name, ()))

    def drop_xpaths(self) -> list[str]:
        return [selector.path for selector in self.compiled.get("drop", ())]


@dataclass(frozen=True)
class SiteRules:
    name: str
    timezone: str | None = None
    versions: tuple[RuleVersion, ...] = ()

    def for_date(self, when: datetime | None) -> RuleVersion | None:
        """The version in force on `when` (the fetch time); the newest when unknown."""
        eligible = [v for v in self.versions if when is None or v.since <= when.date()]
        return max(eligible, key=lambda v: v.since) if eligible else None


def load_rules(path: Path, *, default_timezone: str | None = None) -> SiteRules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path}: {exc}") from exc
    return parse_rules(data, name=path.stem, default_timezone=default_timezone, origin=str(path))


def parse_rules(
    data: dict[str, Any], *, name: str, default_timezone: str | None = None, origin: str = "rules"
) -> SiteRules:
    versions = []
    for number, raw in enumerate(data.get("version", []), start=1):
        where = f"{origin}: version {number}"
        since = raw.get("since", date.min)
        if isinstance(since, datetime):
            since = since.date()
        if not isinstance(since, date):
            raise RulesError(f"{where}: `since` must be a TOML date, got {since!r}")
        unknown = set(raw) - {"since", "date_format", *SELECTOR_FIELDS, *LIST_FIELDS}
        if unknown:
            raise RulesError(f"{where}: unknown keys {sorted(unknown)}")
        selectors: dict[str, tuple[str, ...]] = {}
        for key in (*SELECTOR_FIELDS, *LIST_FIELDS):
            value = raw.get(key)
            if value:
                selectors[key] = (value,) if isinstance(value, str) else tuple(value)
        try:
            compiled = {key: tuple(CSSSelector(s) for s in values) for key, values in selectors.items()}
        except SelectorError as exc:
            raise RulesError(f"{where}: bad CSS selector: {exc}") from exc
        versions.append(RuleVersion(since, selectors, compiled, raw.get("date_format")))
    return SiteRules(name=name, timezone=data.get("timezone") or default_timezone, versions=tuple(versions))
