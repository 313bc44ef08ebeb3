"""The embedded S3 server (deploy/local_services.py, EMBEDDED_S3): each kind takes the keys it was given;
moto stands in where SeaweedFS is not installed; an unknown kind is an error naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

import deploy.local_services as local_services
from storage.rawstore import FetchFacts, RawStore

pytestmark = pytest.mark.integration

KEYS = ("embedded-test", "embedded-test-secret")
FACTS = FetchFacts("https://news.example.ru/a/1", "https://news.example.ru/a/1", 200, "2026-01-17T12:00:00+00:00")


def _round_trip(endpoint: str) -> bytes:
    store = RawStore.connect(endpoint, *KEYS, "embedded-check")
    store.ensure_bucket()
    return store.get(store.put(b"<html>stored</html>", FACTS).key)


@pytest.mark.parametrize("kind", ["seaweedfs", "moto"])
def test_each_kind_stores_and_reads_back(kind: str, tmp_path: Path) -> None:
    if kind == "seaweedfs":
        try:
            local_services.weed_binary()
        except RuntimeError as exc:
            pytest.skip(str(exc))
    with local_services.s3(tmp_path, *KEYS, kind=kind) as endpoint:
        assert _round_trip(endpoint) == b"<html>stored</html>"


def test_moto_stands_in_without_seaweedfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise RuntimeError("SeaweedFS is not installed")

    monkeypatch.setattr(local_services, "weed_binary", missing)
    with local_services.s3(tmp_path, *KEYS, kind="seaweedfs") as endpoint:
        assert _round_trip(endpoint) == b"<html>stored</html>"
    assert not (tmp_path / "s3").exists()  # no SeaweedFS folder was made: it was moto


def test_unknown_kind_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="EMBEDDED_S3"), local_services.s3(tmp_path, *KEYS, kind="minio"):
        pass
