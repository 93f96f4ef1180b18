"""Keep the local index in step with the folders of LOCAL_KB_PATHS.

Each folder is one source of the index (`folder:<absolute path>`): a sync hands all its files to
`replace_documents`, which re-indexes only what changed and drops deleted files. Files load lazily
while the index consumes them, so memory stays flat on large folders. A progress bar appears on an
interactive terminal when asked for or when the folder is large.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from community_bot.errors import KnowledgeBaseError
from community_bot.kb.documents import Document
from community_bot.kb.index import LocalIndex
from community_bot.kb.loaders import UnreadableFile, is_supported, load_file
from community_bot.kb.sources import IndexReport

log = logging.getLogger(__name__)
FOLDER_PREFIX = "folder:"
PROGRESS_MIN_FILES = 200


@dataclass(frozen=True)
class FolderSyncReport:
    """What one folder sync changed, and the files it had to skip (`path: reason`)."""

    folder: Path
    index: IndexReport
    files: int
    skipped: tuple[str, ...] = ()


def folder_source_id(folder: Path) -> str:
    return f"{FOLDER_PREFIX}{folder.resolve()}"


def knowledge_files(folder: Path) -> list[Path]:
    """Supported files under `folder`, sorted, skipping hidden files and folders (.git …)."""
    found: list[Path] = []
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        base = Path(directory)
        found.extend(
            base / name
            for name in sorted(names)
            if not name.startswith(".") and is_supported(base / name)
        )
    return found


def sync_folders(
    index: LocalIndex, folders: Sequence[Path], *, progress: bool = False
) -> list[FolderSyncReport]:
    """Sync every folder, then forget folders that are no longer configured."""
    reports = [sync_folder(index, folder, progress=progress) for folder in folders]
    wanted = {folder_source_id(folder) for folder in folders}
    for source_id in index.source_ids():
        if source_id.startswith(FOLDER_PREFIX) and source_id not in wanted:
            log.info("removing %s from the local index: no longer in LOCAL_KB_PATHS", source_id)
            index.remove_source(source_id)
    return reports


def sync_folder(index: LocalIndex, folder: Path, *, progress: bool = False) -> FolderSyncReport:
    """Index what changed in `folder`; unreadable files are logged, listed and skipped."""
    if not folder.is_dir():
        raise KnowledgeBaseError(
            f"LOCAL_KB_PATHS: {folder} is not a folder (set LOCAL_KB_PATHS to your documents, "
            "or LOCAL_KB_ENABLED=false)"
        )
    files = knowledge_files(folder)
    skipped: list[UnreadableFile] = []
    keep: list[str] = []  # filled while the index consumes the documents; read after that

    def documents() -> Iterator[Document]:
        shown = (progress or len(files) >= PROGRESS_MIN_FILES) and _tty()
        bar: Iterable[Path] = files
        if shown:  # imported only to be shown: a one-shot command's start-up skips it
            from tqdm import tqdm

            bar = tqdm(files, desc=f"indexing {folder.name}", unit="file")
        for path in bar:
            try:
                yield load_file(path, folder)
            except UnreadableFile as problem:
                log.warning("skipped knowledge file %s: %s", problem.path, problem.reason)
                skipped.append(problem)
                keep.append(path.relative_to(folder).as_posix())

    report = index.replace_documents(folder_source_id(folder), documents(), keep=keep)
    return FolderSyncReport(
        folder, report, len(files), tuple(f"{p.path}: {p.reason}" for p in skipped)
    )


def _tty() -> bool:
    return sys.stderr.isatty()
