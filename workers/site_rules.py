"""Which site rules apply to which source: the sources file names a rules file (and/or a time zone)."""

from __future__ import annotations

from pathlib import Path

from scrapy_project.sources import Source, load_sources
from workers.normalize import SiteRules, load_rules


def rules_for_source(source: Source, sources_file: str | Path) -> SiteRules | None:
    """`rules = "site_rules/x.toml"` is read relative to the sources file; `timezone = "..."` alone is
    enough for a site that only needs its zone. A broken rules file raises RulesError at load time."""
    timezone = source.extra.get("timezone")
    rules_path = source.extra.get("rules")
    if rules_path:
        path = Path(sources_file).parent / str(rules_path)
        rules = load_rules(path, default_timezone=str(timezone) if timezone else None)
        return SiteRules(name=source.name, timezone=rules.timezone, versions=rules.versions)
    if timezone:
        return SiteRules(name=source.name, timezone=str(timezone))
    return None


def load_site_rules(sources_file: str | Path) -> dict[str, SiteRules]:
    rules = {}
    for source in load_sources(sources_file):
        found = rules_for_source(source, sources_file)
        if found:
            rules[source.name] = found
    return rules
