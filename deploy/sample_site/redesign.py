"""A later template of the sample outlet Metro Tribune, as a real site changes under a crawler: its views
counter moved into a data attribute a script renders, and its photo credit lines were reworded ("Photo: X"
-> "Pictured: as supplied by X"), so the generic extractor finds neither. Parser health (workers/health.py)
must notice; `SampleSiteServer(redesigned={"metro"})` serves it."""

from __future__ import annotations

import re

REDESIGNABLE = ("metro",)
# Fields the redesign takes away from the records (names of api.articles columns).
LOST_FIELDS = ("views", "photo_credits")

_VIEWS = re.compile(r' · <span class="views">([^<]*)</span>')
_BYLINE = re.compile(r'<div class="byline">')
_CREDIT_LINE = re.compile(r'<p class="credit">Photo: ([^<]*)</p>')
_CREDIT_SPAN = re.compile(r'<span class="credit">Photo: ([^<]*)</span>')


def redesign(site: str, html: str) -> str:
    """The page of `site` in its new template (only metro's has one; other pages come back unchanged)."""
    if site != "metro":
        return html
    views = _VIEWS.search(html)
    if views:  # only article pages have a byline with a counter
        html = _VIEWS.sub("", html, count=1)
        html = _BYLINE.sub(f'<div class="byline" data-views="{views.group(1)}">', html, count=1)
    html = _CREDIT_LINE.sub(r'<p class="note">Pictured: as supplied by \1.</p>', html)
    return _CREDIT_SPAN.sub(r'<span class="note">as supplied by \1</span>', html)
