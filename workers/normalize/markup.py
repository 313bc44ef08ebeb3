"""Structured data publishers put in pages: JSON-LD, <meta> tags and schema.org microdata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle", "WebPage"}


@dataclass
class Markup:
    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD article objects, best first
    objects: list[dict[str, Any]] = field(default_factory=list)  # every JSON-LD object, nested ones too
    meta: dict[str, list[str]] = field(default_factory=dict)  # property / name / itemprop -> contents

    def ld(self, key: str) -> Any:
        for obj in self.articles:
            if obj.get(key) not in (None, "", []):
                return obj[key]
        return None

    def first_meta(self, *keys: str) -> tuple[str, str] | None:
        """(key, content) of the first key present with a non-empty content."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value.strip():
                    return key, value.strip()
        return None


def read_markup(tree: etree._Element) -> Markup:
    markup = Markup()
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = element.get(attr)
            if key:
                markup.meta.setdefault(key.strip().lower(), []).append(content)
    markup.objects = [
        obj for script in tree.xpath("//script[@type='application/ld+json']") for obj in _ld_objects(script)
    ]
    markup.articles = sorted(
        (obj for obj in markup.objects if _types(obj) & ARTICLE_TYPES),
        key=lambda obj: "WebPage" in _types(obj),  # a NewsArticle beats the WebPage around it
    )
    return markup


def _ld_objects(script: etree._Element) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD script, nested ones included (a NewsArticle as a WebPage's mainEntity),
    in document order. XHTML serializers wrap the JSON in <![CDATA[ ]]>: that is not JSON, but it is
    the page's markup all the same."""
    try:
        data = json.loads(_CDATA.sub("", script.text or ""), strict=False)
    except (ValueError, RecursionError):
        return  # broken JSON-LD is common; the page still has other sources
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(reversed([v for v in item.values() if isinstance(v, dict | list)]))


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    return {str(k) for k in kind} if isinstance(kind, list) else {str(kind)}


def names(value: Any) -> list[str]:
    """schema.org Person/Organization (or a list, or a plain string) -> names."""
    if value is None:
        return []
    if isinstance(value, list):
        return [n for v in value for n in names(v)]
    if isinstance(value, dict):
        name = value.get("name")
        return [str(name)] if isinstance(name, str) and name.strip() else []
    return [str(value)] if str(value).strip() else []


def itemprop_values(scope: etree._Element, prop: str) -> Iterator[tuple[etree._Element, str]]:
    """Microdata values of `prop` under `scope`: content / datetime attributes or the element's text."""
    for element in scope.xpath(".//*[@itemprop][not(self::meta)]"):
        if prop in (element.get("itemprop") or "").split():
            value = element.get("content") or element.get("datetime") or " ".join(element.itertext())
            yield element, value
