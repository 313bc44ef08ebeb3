"""Normalization: raw page bytes -> article record with metadata and provenance. Pure functions, no I/O."""

from workers.normalize.page import DEFAULT_MAX_BYTES, canonical_url, normalize_page
from workers.normalize.record import EXTRACTOR_VERSION, ArticleRecord, Dateline, Image, NormalizeError
from workers.normalize.rules import RulesError, SiteRules, load_rules
from workers.normalize.text import clean_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXTRACTOR_VERSION",
    "ArticleRecord",
    "Dateline",
    "Image",
    "NormalizeError",
    "RulesError",
    "SiteRules",
    "canonical_url",
    "clean_text",
    "load_rules",
    "normalize_page",
]
