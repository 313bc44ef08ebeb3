"""How newsarchive runs: the one settings module, the `newsarchive` CLI, local services for the demo
and tests, the sample news site, and the container files (Dockerfile, env.example)."""
