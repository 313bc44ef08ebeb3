"""The embedded S3 API server: moto's S3 application served by waitress, for machines without MinIO.

`python -m moto.server` puts every moto service behind Werkzeug's development server, which closes the
connection after each response (one TCP connection and one thread per request) and looks the service up
on disk for every request. Measured here (`bench/s3.py`, docs/benchmarks.md) that costs about twice the
server CPU per request of the S3 application alone behind waitress, a production WSGI server that keeps
connections open (HTTP/1.1 keep-alive) as MinIO does. The S3 behaviour is moto's either way.

    python -m deploy.s3_server --port 9000 [--host 127.0.0.1] [--threads 8]
"""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds its own URLs from it

    import waitress
    from moto.moto_server.werkzeug_app import create_backend_app

    waitress.serve(create_backend_app("s3"), host=args.host, port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
