"""Any S3-compatible storage as destination (AWS S3, MinIO, Cloudflare R2, Garage...).

Credentials come only from boto3's standard chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
``AWS_PROFILE``, instance roles); the endpoint from ``--endpoint-url`` or ``AWS_ENDPOINT_URL``.
What is already uploaded is recorded in one manifest object beside the files, so a run costs one
GET to find what changed instead of a HEAD per file.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from publisher.errors import UploadError
from publisher.upload.base import Destination, LocalFile, UploadFailed

MANIFEST = ".publisher-upload.json"
CHECKPOINT_FILES = 25
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ``("bucket", "some/prefix/")``; the prefix ends in ``/``."""
    rest = url[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise UploadError("an S3 destination needs a bucket: s3://bucket/prefix", where=url)
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def make_client(endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A boto3 S3 client; path-style addressing whenever a custom endpoint is in use."""
    try:
        import boto3
        from botocore.config import Config as BotoConfig
    except ImportError as exc:
        raise UploadError(
            "S3 destinations need boto3: pip install 'publisher[s3]'", where="s3://"
        ) from exc
    custom = endpoint_url or any(os.environ.get(v) for v in ENDPOINT_VARIABLES)
    config = BotoConfig(
        connect_timeout=10,
        read_timeout=60,
        # Most S3-compatible services (MinIO, moto, Garage) have no per-bucket host names.
        s3={"addressing_style": "path"} if custom else {},
    )
    if not region and any(os.environ.get(v) == "" for v in REGION_VARIABLES):
        # An empty variable (an unset CI secret) makes botocore build "s3..amazonaws.com".
        region = next((os.environ[v] for v in REGION_VARIABLES if os.environ.get(v)), "us-east-1")
    session = boto3.session.Session(region_name=region or None)
    return session.client("s3", endpoint_url=endpoint_url or None, config=config)


class S3Destination(Destination):
    """Puts each file as one object with its Content-Type, Cache-Control and sha256 metadata."""

    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None):
        self.bucket = bucket
        self.prefix = prefix
        self.name = f"s3://{bucket}/{prefix}"
        self.client = client if client is not None else make_client()
        self.state: dict[str, dict[str, str]] = {}
        self.verify = False
        self._unsaved = 0
        self._saved_at = time.monotonic()

    @classmethod
    def from_url(
        cls, url: str, *, endpoint_url: str | None = None, region: str | None = None
    ) -> S3Destination:
        bucket, prefix = parse_s3_url(url)
        return cls(bucket, prefix, client=make_client(endpoint_url, region))

    def open(self, verify: bool = False) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        self.verify = verify
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + MANIFEST)["Body"]
            data = json.loads(body.read())
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in {"NoSuchKey", "404"}:
                raise UploadError(
                    f"cannot read the destination: {_reason(exc)}", where=self.name
                ) from exc
            data = {}
        except BotoCoreError as exc:
            raise UploadError(f"cannot reach the destination: {exc}", where=self.name) from exc
        except ValueError:
            data = {}  # an unreadable manifest only costs a full upload
        files = data.get("files") if isinstance(data, dict) else None
        self.state = dict(files) if isinstance(files, dict) else {}

    def is_current(self, file: LocalFile) -> bool:
        if not self.verify:
            return self.state.get(file.key) == _record(file)
        # The object itself: its size, the sha256 kept as its metadata, and its headers.
        remote = self._head(file.key)
        current = remote is not None and remote == (file.size, _record(file))
        if current:
            self.state[file.key] = _record(file)  # the record catches up with what is there
        else:
            self.state.pop(file.key, None)
        return current

    def _head(self, key: str) -> tuple[int, dict[str, str]] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"NoSuchKey", "404", "NotFound"}:
                return None
            raise UploadError(f"cannot check {key}: {_reason(exc)}", where=self.name) from exc
        except BotoCoreError as exc:
            raise UploadError(f"cannot reach the destination: {exc}", where=self.name) from exc
        record = {
            "sha256": str(head.get("Metadata", {}).get("sha256", "")),
            "content_type": str(head.get("ContentType", "")),
            "cache_control": str(head.get("CacheControl", "")),
        }
        return int(head.get("ContentLength", -1)), record

    def put(self, file: LocalFile) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + file.key,
                Body=file.read(),
                ContentType=file.content_type,
                CacheControl=file.cache_control,
                Metadata={"sha256": file.sha256},
            )
        except ClientError as exc:
            raise UploadFailed(_reason(exc)) from exc
        except BotoCoreError as exc:
            raise UploadFailed(str(exc)) from exc
        self.state[file.key] = _record(file)
        self._unsaved += 1

    def checkpoint(self) -> None:
        # Every 25 files or 10 seconds: a killed run re-sends at most that much.
        if self._unsaved >= CHECKPOINT_FILES or time.monotonic() - self._saved_at >= 10:
            self._save()

    def close(self, changed: bool) -> None:
        if changed or self.verify:  # a verified record is worth keeping too
            self._save()

    def _save(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        body = json.dumps({"version": 1, "files": self.state}, indent=1, sort_keys=True)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + MANIFEST,
                Body=body.encode("utf-8"),
                ContentType="application/json; charset=utf-8",
                CacheControl="no-store",
            )
        except (BotoCoreError, ClientError) as exc:
            raise UploadFailed(f"cannot save {MANIFEST}: {exc}") from exc
        self._unsaved, self._saved_at = 0, time.monotonic()


def _record(file: LocalFile) -> dict[str, str]:
    # Headers are part of the record: changing a cache policy re-sends the files it touches.
    return {
        "sha256": file.sha256,
        "content_type": file.content_type,
        "cache_control": file.cache_control,
    }


def _reason(exc: Any) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', 'error')}: {error.get('Message', '')}".rstrip(": ")
