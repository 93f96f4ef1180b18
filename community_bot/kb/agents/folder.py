"""The `folder` kind: every matching text file under a folder is one document."""

from __future__ import annotations

from pathlib import Path

from community_bot.kb.agents.collected import Collected, CollectError
from community_bot.kb.agents.config import FolderAgent
from community_bot.kb.agents.text_files import title_and_text
from community_bot.kb.documents import Document


def collect_folder(agent: FolderAgent) -> Collected:
    """Documents with the relative path as id; unreadable files are skipped by name."""
    config = agent.config
    root = config.path.expanduser()
    if not root.is_dir():
        raise CollectError(f"folder {root} does not exist")
    files = sorted(
        {
            path
            for pattern in config.patterns
            for path in root.glob(pattern)
            if path.is_file() and not _hidden(path.relative_to(root))
        }
    )
    collected = Collected()
    for path in files:
        relative = path.relative_to(root).as_posix()
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            collected.skipped.append(f"{relative}: not UTF-8 text")
            continue
        except OSError as exc:
            collected.skipped.append(f"{relative}: {exc.strerror or exc}")
            continue
        title, text = title_and_text(path.suffix, raw)
        collected.add(
            Document(
                id=relative,
                text=text,
                title=title or path.stem.replace("-", " ").replace("_", " "),
                source=f"{config.url_prefix}{relative}" if config.url_prefix else str(path),
                category=config.category,
            )
        )
    return collected


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
