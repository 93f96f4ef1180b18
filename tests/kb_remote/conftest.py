"""The Retrieve emulator, and AWS settings that point the real boto3 client at it only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from community_bot.settings import Settings
from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator

KB_ID = "KBEMULATE1"


@pytest.fixture
def knowledge_base(
    kb_server: KnowledgeBaseEmulator, aws_isolated: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KnowledgeBaseEmulator]:
    """The emulator, reset, with dummy credentials and the endpoint override in the env."""
    for name, value in kb_server.env().items():
        monkeypatch.setenv(name, value)
    kb_server.reset()
    kb_server.page_size = None
    yield kb_server
    kb_server.reset()


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "knowledge_base_id": KB_ID,
            "local_kb_paths": [],
            **overrides,
        }
        return Settings(_env_file=None, **values)

    return make
