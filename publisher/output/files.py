"""A build's files by name (``web/index.html``), whether in a folder or still in memory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path


class BuiltFiles(Mapping[str, bytes]):
    """The files of a build folder by name, read when asked for."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __getitem__(self, name: str) -> bytes:
        path = self.folder / name
        if not path.is_file():
            raise KeyError(name)
        return path.read_bytes()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (self.folder / name).is_file()

    def __iter__(self) -> Iterator[str]:
        paths = self.folder.rglob("*") if self.folder.is_dir() else iter(())
        return (p.relative_to(self.folder).as_posix() for p in paths if p.is_file())

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Prefixed(Mapping[str, bytes]):
    """The files under one folder of a build (a language edition's ``en/``), by their names
    inside it."""

    def __init__(self, files: Mapping[str, bytes], prefix: str):
        self.files = files
        self.prefix = prefix

    def __getitem__(self, name: str) -> bytes:
        return self.files[self.prefix + name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.prefix + name in self.files

    def __iter__(self) -> Iterator[str]:
        start = len(self.prefix)
        return (n[start:] for n in self.files if n.startswith(self.prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)
