"""The `folder` kind: every supported text file under a folder is one document.

Files are read exactly as the local index reads LOCAL_KB_PATHS (same formats, titles and HTML
handling, hidden files skipped); the agent adds a schedule, a category and the S3 mirror.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from community_bot.kb.agents.collected import Collected, CollectError
from community_bot.kb.agents.config import FolderAgent
from community_bot.kb.folders import knowledge_files
from community_bot.kb.loaders import UnreadableFile, is_supported, load_file


def collect_folder(agent: FolderAgent) -> Collected:
    """Documents with the relative path as id; unreadable files are skipped by name."""
    config = agent.config
    root = config.path.expanduser()
    if not root.is_dir():
        raise CollectError(f"folder {root} does not exist")
    collected = Collected()
    for path in _files(root, config.patterns):
        try:
            document = load_file(path, root)
        except UnreadableFile as problem:
            collected.skipped.append(f"{path.relative_to(root).as_posix()}: {problem.reason}")
            continue
        source = f"{config.url_prefix}{document.id}" if config.url_prefix else document.source
        collected.add(replace(document, source=source, category=config.category))
    return collected


def _files(root: Path, patterns: list[str] | None) -> list[Path]:
    if patterns is None:
        return knowledge_files(root)
    matched = {path for pattern in patterns for path in root.glob(pattern)}
    return sorted(
        path
        for path in matched
        if path.is_file()
        and is_supported(path)
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )
