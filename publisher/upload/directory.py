"""A local folder as destination (a web server's document root, a mounted share)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from publisher.upload.base import Destination, LocalFile, UploadFailed


class DirectoryDestination(Destination):
    """Writes each file atomically (temporary file, then rename); compares the bytes on disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.name = str(self.root)

    def _target(self, key: str) -> Path:
        return self.root.joinpath(*key.split("/"))

    def is_current(self, file: LocalFile) -> bool:
        # Headers mean nothing on a plain folder: the bytes on disk are the whole state.
        target = self._target(file.key)
        try:
            if not target.is_file() or target.stat().st_size != file.size:
                return False
            return hashlib.sha256(target.read_bytes()).hexdigest() == file.sha256
        except OSError:
            return False

    def put(self, file: LocalFile) -> None:
        target = self._target(file.key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(file.read())
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise UploadFailed(exc.strerror or str(exc)) from exc
