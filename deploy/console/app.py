"""The web console: a read-only window on the archive for the people who run it. Server-rendered (Flask and
Jinja2, no script, no build step), read from the `api` views as the read-only role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis as redis_lib
from flask import Flask, Response, abort, render_template, request
from psycopg_pool import ConnectionPool

from deploy.console import data
from deploy.console.archived import archived_response
from deploy.console.auth import check
from deploy.console.sparkline import sparkline
from storage.health import FIELDS
from storage.rawstore import MissingObject, RawStore
from workers.celeryconfig import QUEUES
from workers.health import format_value

# The console's own pages: its stylesheet and same-origin frames (the archived page), nothing else.
CONSOLE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class Backends:
    pool: ConnectionPool  # connections in the read-only role
    raw_store: Callable[[], RawStore | None]  # the archive, when configured
    redis_url: str = ""
    token: str = ""


def create_app(backends: Backends) -> Flask:
    app = Flask(__name__)
    app.jinja_env.globals.update(FIELDS=FIELDS, sparkline=sparkline, format_value=format_value, percent=_percent)

    @app.before_request
    def token_required() -> Response | None:
        return None if request.path == "/healthz" else check(request, backends.token)

    @app.after_request
    def headers(answer: Response) -> Response:
        answer.headers.setdefault("Content-Security-Policy", CONSOLE_CSP)
        answer.headers.setdefault("X-Content-Type-Options", "nosniff")
        answer.headers.setdefault("Referrer-Policy", "no-referrer")
        return answer

    def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with backends.pool.connection() as conn:
            return fn(conn, *args, **kwargs)

    @app.get("/healthz")
    def healthz() -> Response:
        read(lambda conn: conn.execute("SELECT 1"))
        return Response("ok\n", mimetype="text/plain")

    @app.get("/")
    def sources() -> str:
        return render_template(
            "sources.html", sources=read(data.sources), series=read(data.health_series), page="sources"
        )

    @app.get("/alerts")
    def alerts() -> str:
        return render_template("alerts.html", alerts=read(data.alerts), page="alerts")

    @app.get("/runs")
    def runs() -> str:
        source = request.args.get("source") or None
        return render_template("runs.html", runs=read(data.runs, source=source), source=source, page="runs")

    @app.get("/queue")
    def queue() -> str:
        return render_template("queue.html", depths=_queue_depths(backends.redis_url), rate=read(data.records_rate),
                               page="queue")  # fmt: skip

    @app.get("/failures")
    def failures() -> str:
        chosen = {k: request.args.get(k, "").strip() for k in ("source", "stage", "reason")}
        return render_template("failures.html", failures=read(data.failures, **chosen), chosen=chosen,
                               choices=read(data.failure_choices), page="failures")  # fmt: skip

    @app.get("/search")
    def search() -> str:
        query = request.args.get("q", "").strip()
        found = read(data.search, query) if query else []
        return render_template("search.html", query=query, found=found, page="search")

    @app.get("/stories")
    def stories() -> str:
        return render_template("stories.html", stories=read(data.stories), page="stories")

    @app.get("/articles/<int:article_id>")
    def article(article_id: int) -> str:
        record = read(data.article, article_id) or abort(404)
        return render_template("article.html", a=record, fields=data.ARTICLE_FIELDS, page="article")

    @app.get("/articles/<int:article_id>/archived")
    def archived(article_id: int) -> Response:
        key = read(data.raw_key_of, article_id) or abort(404)
        store = backends.raw_store() or abort(503, "the archive (S3_ENDPOINT) is not configured")
        try:
            return archived_response(store.get(key), store.get_facts(key))
        except MissingObject:
            abort(404, f"raw object {key} is missing from the archive (see `newsarchive audit`)")

    return app


def _queue_depths(redis_url: str) -> dict[str, int] | None:
    """Tasks waiting per queue, and delivered but not acknowledged; None without a broker."""
    if not redis_url:
        return None
    client = redis_lib.Redis.from_url(redis_url, socket_timeout=2)
    try:
        depths = {queue: int(client.llen(queue)) for queue in QUEUES}  # type: ignore[arg-type]
        depths["unacknowledged"] = int(client.hlen("unacked"))  # type: ignore[arg-type]
        return depths
    except redis_lib.RedisError:
        return None
    finally:
        client.close()


def _percent(value: object) -> str:
    return "-" if value is None else f"{float(value):.0%}"  # type: ignore[arg-type]
