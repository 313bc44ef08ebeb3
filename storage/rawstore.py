"""The raw-page archive in S3-compatible storage (MinIO in production).

A body is stored gzip-compressed under a key derived from the SHA-256 of the bytes the server sent,
so the same body stored twice is one object. The facts of the fetch that first stored it (URL, final
URL, status, response headers, time) sit beside it as JSON. The facts object is written last, so its
presence means the pair is complete; storing again is then a no-op.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Protocol

from minio import Minio
from minio.error import S3Error

BODY_SUFFIX = ".html.gz"
FACTS_SUFFIX = ".fetch.json"


def first_header(headers: dict[str, list[str]], name: str) -> str | None:
    """The first value of a response header, by case-insensitive name."""
    for key, values in headers.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


_MISSING = ("NoSuchKey", "NoSuchObject", "ResourceNotFound", "NoSuchBucket")


class MissingObject(LookupError):
    """The object is not in the store: retrying will not bring it back."""


@dataclass(frozen=True)
class FetchFacts:
    url: str
    final_url: str
    status: int
    fetched_at: str  # ISO 8601 with offset
    headers: dict[str, list[str]] = field(default_factory=dict)
    source: str | None = None

    def header(self, name: str) -> str | None:
        return first_header(self.headers, name)


@dataclass(frozen=True)
class StoredRaw:
    key: str
    sha256: str
    created: bool  # False when the object was already archived


def body_key(sha256_hex: str) -> str:
    return f"raw/{sha256_hex[:2]}/{sha256_hex}{BODY_SUFFIX}"


def facts_key(raw_key: str) -> str:
    return raw_key.removesuffix(BODY_SUFFIX) + FACTS_SUFFIX


def compress(body: bytes) -> bytes:
    # mtime=0: the same body always compresses to the same bytes.
    return gzip.compress(body, compresslevel=6, mtime=0)


class S3Settings(Protocol):
    """What the store needs of the settings (deploy.settings.Settings has it; storage does not import it)."""

    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    s3_bucket: str
    s3_region: str


class RawStore:
    def __init__(self, client: Minio, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    @classmethod
    def connect(
        cls, endpoint: str, access_key: str, secret_key: str, bucket: str, region: str = "us-east-1"
    ) -> RawStore:
        secure = endpoint.startswith("https://")
        host = endpoint.split("://", 1)[-1].rstrip("/")
        client = Minio(host, access_key=access_key, secret_key=secret_key, secure=secure, region=region)
        return cls(client, bucket)

    @classmethod
    def from_settings(cls, settings: S3Settings) -> RawStore:
        return cls.connect(
            settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key, settings.s3_bucket, settings.s3_region
        )

    def ensure_bucket(self) -> None:
        # No bucket policy is ever set: the bucket stays private.
        if not self.client.bucket_exists(self.bucket):
            try:
                self.client.make_bucket(self.bucket)
            except S3Error as exc:  # another process created it first
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    def put(self, body: bytes, facts: FetchFacts) -> StoredRaw:
        sha = hashlib.sha256(body).hexdigest()
        key = body_key(sha)
        if self._exists(facts_key(key)):
            return StoredRaw(key=key, sha256=sha, created=False)
        packed = compress(body)
        self.client.put_object(
            self.bucket,
            key,
            io.BytesIO(packed),
            len(packed),
            content_type="application/gzip",
            metadata={"sha256": sha, "original-length": str(len(body))},
        )
        doc = json.dumps(asdict(facts), ensure_ascii=False).encode("utf-8")
        self.client.put_object(self.bucket, facts_key(key), io.BytesIO(doc), len(doc), content_type="application/json")
        return StoredRaw(key=key, sha256=sha, created=True)

    def get(self, key: str) -> bytes:
        """The exact bytes the server sent. MissingObject if there is no such object (not transient)."""
        return gzip.decompress(self._read(key))

    def get_facts(self, key: str) -> FetchFacts:
        """The facts stored beside a body; MissingObject when the upload stopped before them."""
        return FetchFacts(**json.loads(self._read(facts_key(key))))

    def iter_keys(self, since: datetime | None = None) -> Iterator[str]:
        """Keys of archived bodies (optionally only those stored since a time). Lists the whole bucket:
        for reconciliation, not for the hot path."""
        for obj in self.client.list_objects(self.bucket, prefix="raw/", recursive=True):
            name = obj.object_name or ""
            if name.endswith(BODY_SUFFIX) and (since is None or (obj.last_modified and obj.last_modified >= since)):
                yield name

    def _read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in _MISSING:
                raise MissingObject(f"no raw object {key!r} in bucket {self.bucket!r}") from exc
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def _exists(self, key: str) -> bool:
        try:
            self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in _MISSING:
                return False
            raise
        return True
