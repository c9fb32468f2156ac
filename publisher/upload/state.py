"""The project's SQLite database (subscribers, send ledger) kept in a bucket between CI runs.

``push`` takes a consistent copy through SQLite's backup API: the database runs in WAL mode, so
after an interrupted send the newest ledger rows may still sit in ``-wal`` beside the file, and
copying the file alone would lose them (and a re-run would then send those messages again).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from publisher.errors import UploadError
from publisher.upload.s3 import make_client, parse_s3_url

SQLITE_HEADER = b"SQLite format 3\x00"


def _object(url: str) -> tuple[str, str]:
    bucket, key = parse_s3_url(url)
    if not key:
        raise UploadError("name the database object: s3://bucket/path/publisher.db", where=url)
    return bucket, key.rstrip("/")


def pull_database(
    source: str, path: Path, *, overwrite: bool = False, endpoint_url: str | None = None,
    region: str | None = None,
) -> int:  # fmt: skip
    """Fetch the database from ``source`` (``s3://`` object or file) to ``path``; its size."""
    if path.exists() and not overwrite:
        raise UploadError("a database is already here; refusing to replace it", where=str(path))
    if source.startswith("s3://"):
        data = _download(source, endpoint_url, region)
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise UploadError(f"cannot read the database: {exc.strerror}", where=source) from exc
    if not data.startswith(SQLITE_HEADER):
        raise UploadError("not an SQLite database", where=source)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # journals of an older file must not be replayed onto this one
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _write_atomic(path, data)
    return len(data)


def push_database(
    path: Path, target: str, *, endpoint_url: str | None = None, region: str | None = None
) -> int:
    """Store a consistent copy of the database at ``target``; its size."""
    if not path.is_file():
        raise UploadError("there is no database to put back", where=str(path))
    data = _snapshot(path)
    if target.startswith("s3://"):
        bucket, key = _object(target)
        from botocore.exceptions import BotoCoreError, ClientError

        client = make_client(endpoint_url, region)
        try:
            client.put_object(
                Bucket=bucket, Key=key, Body=data, ContentType="application/vnd.sqlite3",
                CacheControl="no-store",
            )  # fmt: skip
        except (BotoCoreError, ClientError) as exc:
            raise UploadError(f"cannot store the database: {exc}", where=target) from exc
    else:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(Path(target), data)
    return len(data)


def _download(url: str, endpoint_url: str | None, region: str | None) -> bytes:
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, key = _object(url)
    client = make_client(endpoint_url, region)
    try:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise UploadError(
                "no database there yet: put one with publisher database push", where=url
            ) from exc
        raise UploadError(f"cannot fetch the database: {exc}", where=url) from exc
    except BotoCoreError as exc:
        raise UploadError(f"cannot fetch the database: {exc}", where=url) from exc


def _snapshot(path: Path) -> bytes:
    """The database's committed state (WAL included) as the bytes of one file."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.db"
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
                source.close()
        except sqlite3.Error as exc:
            raise UploadError(f"cannot copy the database: {exc}", where=str(path)) from exc
        return copy.read_bytes()


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".pull-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
