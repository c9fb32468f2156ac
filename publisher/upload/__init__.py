"""Publishing built files to a destination: a local folder or S3-compatible storage."""

from __future__ import annotations

from publisher.errors import UploadError
from publisher.upload.base import (
    Destination,
    LocalFile,
    UploadFailed,
    UploadReport,
    content_type_for,
    ordered,
    run_upload,
)
from publisher.upload.directory import DirectoryDestination
from publisher.upload.layout import issue_files, site_files

__all__ = [
    "Destination",
    "DirectoryDestination",
    "LocalFile",
    "UploadFailed",
    "UploadReport",
    "content_type_for",
    "issue_files",
    "open_destination",
    "ordered",
    "run_upload",
    "site_files",
]


def open_destination(
    spec: str, *, endpoint_url: str | None = None, region: str | None = None
) -> Destination:
    """The destination named by ``spec``: ``s3://bucket/prefix`` or a folder path."""
    if spec.startswith("s3://"):
        from publisher.upload.s3 import S3Destination

        return S3Destination.from_url(spec, endpoint_url=endpoint_url, region=region)
    if "://" in spec:
        scheme = spec.split("://", 1)[0]
        raise UploadError(f"unknown destination type '{scheme}://' (use s3:// or a folder)")
    if endpoint_url:
        raise UploadError("--endpoint-url only applies to s3:// destinations", where=spec)
    from pathlib import Path

    return DirectoryDestination(Path(spec).expanduser())
