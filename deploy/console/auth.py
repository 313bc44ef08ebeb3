"""The console's token: required on every request when CONSOLE_TOKEN is set. Given once in `?token=` (a link
an operator can share) it becomes a cookie; tools send `Authorization: Bearer`."""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlencode

from flask import Request, Response, redirect

COOKIE = "newsarchive_console"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def presented(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ")
    return request.args.get("token") or request.cookies.get(COOKIE) or ""


def check(request: Request, token: str) -> Response | None:
    """None when the request may go on; else the answer: refused, or the same page without ?token= and with
    the cookie set."""
    if not token:
        return None
    given = presented(request)
    if not hmac.compare_digest(given.encode(), token.encode()):
        return Response("refused: this console needs its token (CONSOLE_TOKEN)\n", 401, mimetype="text/plain")
    if "token" in request.args:  # keep the token out of the address bar, history and Referer
        query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
        answer = redirect(request.path + (f"?{query}" if query else ""), code=303)
        answer.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.is_secure)
        return answer
    return None
