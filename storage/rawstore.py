"""The raw-page archive in S3-compatible storage (MinIO in production).

A body is stored gzip-compressed under a key derived from the SHA-256 of the bytes the server sent,
so the same body stored twice is one object. The facts of the fetch that first stored it (URL, final
URL, status, response headers, time) travel with it, in one request: as the object's metadata
(`x-amz-meta-fetch`, compressed JSON) when they fit in S3's 2 KB of user metadata, which a news page's
headers almost always do; otherwise as JSON beside it (`<sha256>.fetch.json`, the layout of everything
archived before issue 16), written after the body. Either way, once the facts are there the pair is
complete, and storing again from the same URL adds nothing.

One request archives a new page: the body written with `If-None-Match: *` (a conditional write: S3 since
2024, MinIO, moto), which only the first fetch of a body wins. No existence check comes first: a refused
write is how a body already archived is noticed.

The same bytes served by another URL (a mirror, a site that moved, a syndicated copy) keep their own
facts too, under `<sha256>.urls/<hash of the final URL>.fetch.json`, once per URL: every URL that served
a body gets its record (re-processing and the WARC export read them all, see `all_facts`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Protocol

from minio import Minio
from minio.datatypes import Object
from minio.error import S3Error

BODY_SUFFIX = ".html.gz"
FACTS_SUFFIX = ".fetch.json"
URLS_FOLDER = ".urls/"  # beside the body: the facts of the other URLs that served the same bytes
# Metadata of a facts object: the hash of its final URL, so a second store of the same body can tell
# from one stat whether it came from the same URL.
_URL_METADATA = "final-url-sha256"
# Metadata of a body object: its first fetch's facts (zlib-compressed JSON, base64), when they fit. S3 allows
# 2 KB of user metadata in all (keys and values); the body's other keys and values take about 170 bytes.
_FACTS_METADATA = "fetch"
_MAX_FACTS_METADATA = 1700


def first_header(headers: dict[str, list[str]], name: str) -> str | None:
    """The first value of a response header, by case-insensitive name."""
    for key, values in headers.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


_MISSING = ("NoSuchKey", "NoSuchObject", "ResourceNotFound", "NoSuchBucket")
# A conditional write refused because the object exists (409 from a write racing another one).
_EXISTS = ("PreconditionFailed", "ConditionalRequestConflict")


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
    # The transfer coding removed from the bytes as recorded, e.g. "chunked" for a WARC payload kept with
    # its chunk markers (storage/warc.py); None when the body is the payload as it came (a crawl: Twisted
    # undoes the transfer coding and drops the header). Content codings are never removed on import.
    transfer_decoded: str | None = None

    def header(self, name: str) -> str | None:
        return first_header(self.headers, name)

    def to_json(self) -> bytes:
        doc = asdict(self)
        if doc["transfer_decoded"] is None:  # facts without it read as before
            del doc["transfer_decoded"]
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class StoredRaw:
    key: str
    sha256: str
    created: bool  # False when the object was already archived
    new_url: bool = False  # archived already, from another URL: this URL's facts were added
    packed: bytes = field(default=b"", repr=False)  # the body as stored (gzip), for a task to carry


def body_key(sha256_hex: str) -> str:
    return f"raw/{sha256_hex[:2]}/{sha256_hex}{BODY_SUFFIX}"


def facts_key(raw_key: str) -> str:
    return raw_key.removesuffix(BODY_SUFFIX) + FACTS_SUFFIX


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def url_facts_key(raw_key: str, final_url: str) -> str:
    """Where the facts of a fetch of this body from another URL than the first one are kept."""
    return raw_key.removesuffix(BODY_SUFFIX) + URLS_FOLDER + url_hash(final_url)[:32] + FACTS_SUFFIX


def compress(body: bytes) -> bytes:
    # mtime=0: the same body always compresses to the same bytes.
    return gzip.compress(body, compresslevel=6, mtime=0)


def unpack(key: str, packed: bytes) -> bytes:
    """The body inside a stored object's bytes, checked against the SHA-256 its key names: exactly the bytes
    the server sent, or ValueError."""
    body = gzip.decompress(packed)
    if hashlib.sha256(body).hexdigest() != key.removesuffix(BODY_SUFFIX).rsplit("/", 1)[-1]:
        raise ValueError(f"the bytes given for {key!r} are not that object")
    return body


def _facts_metadata(facts: FetchFacts) -> str | None:
    """The facts as a metadata value, or None when they are too large for it."""
    value = base64.b64encode(zlib.compress(facts.to_json(), 9)).decode("ascii")
    return value if len(value) <= _MAX_FACTS_METADATA else None


def _metadata(obj: Object, name: str) -> str | None:
    return (obj.metadata or {}).get(f"x-amz-meta-{name}")


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
        """Archive a fetched body with its facts. The same body again: nothing from the same final URL, the
        facts alone from another one (once per URL)."""
        sha = hashlib.sha256(body).hexdigest()
        key = body_key(sha)
        packed = compress(body)
        inline = _facts_metadata(facts)
        headers = {"Content-Type": "application/gzip", "x-amz-meta-sha256": sha,
                   "x-amz-meta-original-length": str(len(body)),
                   f"x-amz-meta-{_URL_METADATA}": url_hash(facts.final_url)}  # fmt: skip
        if inline:
            headers[f"x-amz-meta-{_FACTS_METADATA}"] = inline
        if self._write(key, packed, headers, only_new=True):
            if not inline:  # too large for metadata: beside the body, written after it
                self._put_facts(facts_key(key), facts, only_new=False)
            return StoredRaw(key=key, sha256=sha, created=True, packed=packed)
        first = self._first_url_hash(key)
        if first is None:  # a body whose facts never came (stopped between the two writes): these complete it
            self._put_facts(facts_key(key), facts, only_new=False)
            return StoredRaw(key=key, sha256=sha, created=True, packed=packed)
        if first == url_hash(facts.final_url):
            return StoredRaw(key=key, sha256=sha, created=False, packed=packed)
        new_url = self._put_facts(url_facts_key(key, facts.final_url), facts)
        return StoredRaw(key=key, sha256=sha, created=False, new_url=new_url, packed=packed)

    def get(self, key: str) -> bytes:
        """The exact bytes the server sent. MissingObject if there is no such object (not transient)."""
        return gzip.decompress(self._read(key))

    def get_facts(self, key: str) -> FetchFacts:
        """The facts of the first fetch of a body: from its metadata, or from the facts object beside it;
        MissingObject when there is no body, or the upload stopped before its facts."""
        stat = self._stat(key)
        inline = _metadata(stat, _FACTS_METADATA) if stat is not None else None
        if inline:
            return FetchFacts(**json.loads(zlib.decompress(base64.b64decode(inline))))
        return self._read_facts(facts_key(key))

    def all_facts(self, key: str) -> list[FetchFacts]:
        """The facts of every URL that served this body: the first fetch's, then the others' by fetch time.
        One listing more than get_facts."""
        first = self.get_facts(key)
        prefix = key.removesuffix(BODY_SUFFIX) + URLS_FOLDER
        names = [obj.object_name for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)]
        others = [self._read_facts(name) for name in names if name and name.endswith(FACTS_SUFFIX)]
        return [first, *sorted(others, key=lambda facts: datetime.fromisoformat(facts.fetched_at))]

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

    def _read_facts(self, name: str) -> FetchFacts:
        return FetchFacts(**json.loads(self._read(name)))

    def _put_facts(self, name: str, facts: FetchFacts, only_new: bool = True) -> bool:
        """Write a facts object; with `only_new`, only if there is none under that name yet (False then)."""
        headers = {"Content-Type": "application/json", f"x-amz-meta-{_URL_METADATA}": url_hash(facts.final_url)}
        return self._write(name, facts.to_json(), headers, only_new)

    def _write(self, name: str, data: bytes, headers: dict[str, str], only_new: bool) -> bool:
        """PUT an object; with `only_new`, only if there is none under that name yet (False then)."""
        if only_new:
            headers = {**headers, "If-None-Match": "*"}
        try:
            # minio-py's public put_object has no way to send If-None-Match; its single-request PUT does (the
            # call put_object makes for an object under its part size, headers as S3 names them).
            self.client._put_object(self.bucket, name, data, headers=headers)
        except S3Error as exc:
            if only_new and exc.code in _EXISTS:
                return False
            raise
        return True

    def _first_url_hash(self, key: str) -> str | None:
        """The final URL's hash of the first fetch of an archived body: from the body's metadata, or from its
        facts object (its metadata, or the facts themselves when stored before the metadata existed); None
        when the body has no facts yet."""
        body = self._stat(key)
        if body is not None and _metadata(body, _FACTS_METADATA):
            return _metadata(body, _URL_METADATA)
        beside = self._stat(facts_key(key))
        if beside is None:
            return None
        return _metadata(beside, _URL_METADATA) or url_hash(self._read_facts(facts_key(key)).final_url)

    def _stat(self, key: str) -> Object | None:
        try:
            return self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in _MISSING:
                return None
            raise
