"""A small knowledge folder on disk and a local index over it, rebuilt for every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from community_bot.kb.index import LocalIndex
from community_bot.settings import Settings

INSTALL = """# Install

## macOS

Install Python with Homebrew: `brew install python@3.12`, then run the quick start.

## Windows

Use the `py` launcher from python.org.
"""
DISCORD = """# Discord setup

Copy the bot token from the developer portal into DISCORD_BOT_TOKEN and enable the
Message Content intent.
"""
MEMORY = """Memory
======

Every channel has its own conversation memory in SQLite. Use /reset to forget it.
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "install.md").write_text(INSTALL)
    (folder / "discord.md").write_text(DISCORD)
    (folder / "memory.rst").write_text(MEMORY)
    return folder


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    opened = LocalIndex(tmp_path / "data" / "knowledge.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def make_settings(tmp_path: Path, docs: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"data_dir": tmp_path / "data", "local_kb_paths": [str(docs)]}
        return Settings(_env_file=None, **(values | overrides))

    return make
