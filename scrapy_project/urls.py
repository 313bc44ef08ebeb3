"""Canonical URLs: one article, one URL, whatever link led to it.

Used by the spider (so a tracking-tagged link and the plain one are one request) and by the normalizer
(so the record's URL is the same whichever of them was fetched). Depends only on w3lib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only say where a reader came from, or who they are. Matched case-insensitively; a source can
# add its own with `drop_params` in the sources file.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|ysclid|_openstat|mc_cid|mc_eid"
    r"|igshid|ref_src|_ga|_gl|rb_clickid|twclid|s_cid|cmpid|spm"
    r"|phpsessid|jsessionid|aspsessionid|sessionid|session_id|sessid)$",  # session ids: one URL per visitor
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical(url: str, drop_params: Iterable[str] = ()) -> str:
    """The URL with tracking parameters, fragment and default port removed, the host in lower case,
    the remaining query sorted and percent-encoding normalized (w3lib)."""
    parts = urlsplit(url.strip())
    extra = {p.lower() for p in drop_params}
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k) and k.lower() not in extra
    ]
    netloc = parts.netloc
    if parts.port is not None and _DEFAULT_PORTS.get(parts.scheme.lower()) == parts.port:
        netloc = netloc.rsplit(":", 1)[0]
    rebuilt = urlunsplit((parts.scheme, netloc, parts.path or "/", urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same host, ignoring a leading `www.` (a canonical link to
    www.example.com from example.com is the site's own)."""
    return _bare_host(url) == _bare_host(other)


def _bare_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
