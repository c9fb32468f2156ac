"""Watching the project: a change to its articles, issues, templates, images or settings
rebuilds the preview.

The folders are watched recursively and the project folder itself only for ``publisher.toml``
(not recursively: it also holds ``build/``, perhaps a virtual environment, the database), so
that an editor that saves by writing a new file and renaming it over the old one is seen too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.config import Config
from publisher.preview.session import PreviewSession, State

if TYPE_CHECKING:
    from watchfiles import Change

STEP_MS = 50  # a burst of changes (a save, a git checkout) is one rebuild after this quiet
SETTINGS = "publisher.toml"


def watched_folders(config: Config, issue: str) -> list[Path]:
    """The folders whose changes change the issue, those that exist."""
    folders = [config.articles_dir, config.issues_dir, config.templates_dir,
               config.project / "images"]  # fmt: skip
    issue_file = Path(issue)
    if issue_file.suffix in (".yaml", ".yml") and issue_file.is_file():
        folders.append(issue_file.resolve().parent)  # an issue file kept elsewhere
    unique: list[Path] = []
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and not any(folder.is_relative_to(f) for f in unique):
            unique = [f for f in unique if not f.is_relative_to(folder)] + [folder]
    return unique


def start_watching(
    session: PreviewSession, config: Config, stop: threading.Event,
    built: Callable[[State], None], say: Callable[[str], None] = lambda text: None,
) -> list[threading.Thread]:  # fmt: skip
    """Threads that rebuild the preview after each change until ``stop`` is set; ``say``
    hears when watching is not possible as it should be."""
    from watchfiles import DefaultFilter  # only the preview watches files

    ignored = DefaultFilter()
    build_dir = config.build_dir.resolve()

    def relevant(change: Change, path: str) -> bool:
        return ignored(change, path) and not Path(path).resolve().is_relative_to(build_dir)

    def settings(change: Change, path: str) -> bool:
        return Path(path).name == SETTINGS

    watches = [(watched_folders(config, session.issue), True, relevant),
               ([config.project.resolve()], False, settings)]  # fmt: skip
    threads = []
    for paths, recursive, keep in watches:
        if not paths:
            continue
        thread = threading.Thread(
            target=_watch, args=(session, paths, recursive, keep, stop, built, say),
            name="preview-watch", daemon=True,
        )  # fmt: skip
        thread.start()
        threads.append(thread)
    return threads


def _watch(
    session: PreviewSession, paths: list[Path], recursive: bool,
    keep: Callable[[Change, str], bool], stop: threading.Event, built: Callable[[State], None],
    say: Callable[[str], None],
) -> None:  # fmt: skip
    from watchfiles import watch

    # The system's notifications first; when they cannot be had (inotify's limit of watches
    # reached, a network file system), the folders are polled instead.
    for polling in (False, True):
        try:
            for _ in watch(
                *paths, watch_filter=keep, recursive=recursive, stop_event=stop, step=STEP_MS,
                raise_interrupt=False, force_polling=polling,
            ):  # fmt: skip
                built(session.rebuild())
            return
        except (OSError, RuntimeError) as exc:
            where = ", ".join(str(p) for p in paths)
            if polling:
                say(f"the preview no longer watches {where} ({exc}): restart it after a change")
                return
            say(f"cannot watch {where} for changes ({exc}): polling them instead")
