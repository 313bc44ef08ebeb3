"""A TCP proxy in front of a service, to take the service away from its clients and give it back.

`cut()` closes the listening socket and shuts every open connection: clients see what they see when a
server is stopped (connections closed under them, then connection refused). `restore()` listens again on the same
port. The service behind keeps its data, which stopping moto would not (it holds its objects in memory),
and which we cannot do to a PostgreSQL or Redis given by DATABASE_URL / REDIS_URL.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg.conninfo

from deploy.local_services import free_port

Target = tuple[str, int] | str  # (host, port) or the path of a Unix socket


class OutageProxy:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            doomed, self._open = self._open, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accept thread; close alone would not
            listener.close()
        for sock in doomed:  # wakes the pumps blocked on them, which then close them
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = self._connect()
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _connect(self) -> socket.socket:
        if isinstance(self.target, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(self.target)
            return sock
        return socket.create_connection(self.target)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_RDWR)  # tell the other side; its pump then ends too
        with self._lock:
            self._open.discard(src)
        src.close()


def http_proxy(endpoint: str) -> tuple[OutageProxy, str]:
    """A proxy in front of an HTTP endpoint (the S3 API) and the endpoint to give clients instead."""
    parts = urlsplit(endpoint)
    proxy = OutageProxy((parts.hostname or "127.0.0.1", parts.port or 80))
    return proxy, urlunsplit((parts.scheme, f"127.0.0.1:{proxy.port}", parts.path, "", ""))


def redis_proxy(url: str) -> tuple[OutageProxy, str]:
    parts = urlsplit(url)
    proxy = OutageProxy((parts.hostname or "127.0.0.1", parts.port or 6379))
    netloc = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return proxy, urlunsplit((parts.scheme, f"{netloc}127.0.0.1:{proxy.port}", parts.path, parts.query, ""))


def postgres_proxy(dsn: str) -> tuple[OutageProxy, str]:
    """A proxy in front of PostgreSQL (TCP or a Unix socket, as pgserver listens) and a TCP DSN to it."""
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    host = str(info.get("host") or "")
    port = int(info.get("port") or 5432)
    if not host:  # libpq's default socket directory; pgserver puts host= in the query string
        host = parse_qs(urlsplit(dsn).query).get("host", ["/var/run/postgresql"])[0]
    target: Target = f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)
    proxy = OutageProxy(target)
    info.update(host="127.0.0.1", port=str(proxy.port))
    return proxy, psycopg.conninfo.make_conninfo(**info)
