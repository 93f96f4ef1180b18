"""Faults of the files in DATA_DIR, each turned into a named error that says what to do.

A damaged SQLite file ("file is not a database", "database disk image is malformed"), a DATA_DIR
that is a file or cannot be written: each used to end in a raw traceback, and DATA_DIR="" quietly
used the current folder. The errors below name the file, say that nothing was changed (community-
bot never repairs or deletes a damaged file itself: it may be the only copy of a community's
memory), and give the fix.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from community_bot.errors import CommunityBotError


class StorageError(CommunityBotError):
    """A file or folder community-bot keeps its state in cannot be used as it is."""


def check_data_dir(path: Path) -> None:
    """DATA_DIR exists (or can be created) as a folder this process can write in."""
    if path.exists() and not path.is_dir():
        raise StorageError(
            f"DATA_DIR={path} is a file, not a folder; point DATA_DIR at a folder (nothing was"
            " changed)"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StorageError(
            f"DATA_DIR={path} cannot be written ({reason}); make it writable by user"
            f" {_user()} or point DATA_DIR elsewhere"
        ) from None


@contextmanager
def named(path: Path, what: str) -> Iterator[None]:
    """Turn SQLite's errors while opening `path` into a StorageError naming it."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        raise StorageError(
            f"cannot open {what} {path} ({exc}); check that the file and its folder are"
            " writable (nothing was changed)"
        ) from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{what} {path} is damaged ({exc}); nothing was changed. Restore it from a backup,"
            f" or move it aside to start afresh: mv {path} {path}.broken"
        ) from None


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return "running the bot"
