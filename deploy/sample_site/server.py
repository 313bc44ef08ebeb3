"""Serve www/ on localhost with each outlet's Content-Type; keep a log of requests for tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from deploy.sample_site.redesign import redesign
from deploy.sample_site.sites import BY_NAME

WWW_DIR = Path(__file__).with_name("www")
_HTML_SUFFIXES = {".html", ".htm", ".shtml"}


@dataclass
class RequestLog:
    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)

    def add(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.entries.append((method, path, status))

    def paths(self, status: int = 200) -> list[str]:
        with self.lock:
            return [p for _, p, s in self.entries if s == status]


def content_type(path: Path) -> str:
    if path.suffix not in _HTML_SUFFIXES:
        return "text/plain; charset=us-ascii" if path.suffix == ".txt" else "application/octet-stream"
    site = BY_NAME.get(path.relative_to(WWW_DIR).parts[0])
    charset = site.header_charset if site else "utf-8"
    return f"text/html; charset={charset}" if charset else "text/html"


def resolve(url_path: str, root: Path = WWW_DIR) -> Path | None:
    relative = unquote(urlsplit(url_path).path).lstrip("/")
    if relative.endswith("/") or not relative:
        relative += "index.html"
    target = (root / relative).resolve()
    if root.resolve() not in target.parents or not target.is_file():
        return None
    return target


class _Handler(BaseHTTPRequestHandler):
    server: SampleSiteServer

    def do_GET(self) -> None:
        target = resolve(self.path)
        if target is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            return
        self._send(HTTPStatus.OK, self._body(target), content_type(target))

    def _body(self, target: Path) -> bytes:
        body = target.read_bytes()
        site = BY_NAME.get(target.relative_to(WWW_DIR).parts[0])
        if site is None or site.name not in self.server.redesigned or target.suffix not in _HTML_SUFFIXES:
            return body
        return redesign(site.name, body.decode(site.encoding)).encode(site.encoding)

    def _send(self, status: HTTPStatus, body: bytes, ctype: str) -> None:
        self.server.log.add(self.command, self.path, int(status))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: the RequestLog keeps it
        pass


class SampleSiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0, redesigned: set[str] | None = None) -> None:
        super().__init__((host, port), _Handler)
        self.log = RequestLog()
        # Outlets served in their later template (deploy/sample_site/redesign.py); may change while serving.
        self.redesigned: set[str] = set(redesigned or ())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SampleSiteServer:
        self._thread = threading.Thread(target=self.serve_forever, name="sample-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> SampleSiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve the sample news site")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = SampleSiteServer(port=args.port)
    print(f"serving {WWW_DIR} at {server.base_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
