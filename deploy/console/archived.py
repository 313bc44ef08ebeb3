"""The archived page as it was fetched, fit to show beside its record: the raw bytes unchanged, under a
Content-Security-Policy that lets nothing run and nothing load (no script, no form, no request at all, not
even to the console), in a sandbox of its own (an opaque origin) even when opened outside its iframe."""

from __future__ import annotations

from flask import Response

from storage.rawstore import FetchFacts

# Inline styles and data: images are drawn without a request; everything else is refused before it is asked.
ARCHIVED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; sandbox"
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def archived_response(body: bytes, facts: FetchFacts | None) -> Response:
    """The bytes with the Content-Type they were fetched with (its charset decodes them as the site meant),
    or as plain text when they were not HTML."""
    ctype = (facts.header("Content-Type") if facts else None) or "text/html"
    if ctype.split(";", 1)[0].strip().lower() not in _HTML_TYPES:
        ctype = "text/plain; charset=utf-8"
    answer = Response(body, 200, content_type=ctype)
    answer.headers["Content-Security-Policy"] = ARCHIVED_CSP
    answer.headers["X-Content-Type-Options"] = "nosniff"
    answer.headers["Referrer-Policy"] = "no-referrer"
    answer.headers["Cache-Control"] = "private, max-age=300"
    return answer
