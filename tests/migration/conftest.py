"""A community switching over: its old `.env` and prompt folder in a working directory of their
own, with Bedrock (runtime and knowledge bases) emulated on 127.0.0.1 and no Ollama anywhere."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator
from tests.emulators.bedrock_runtime import BedrockEmulator

FIXTURES = Path(__file__).parent / "fixtures"
ORIGINAL = FIXTURES / "original_bot"


@pytest.fixture
def aws(
    bedrock_server: BedrockEmulator,
    kb_server: KnowledgeBaseEmulator,
    aws_isolated: None,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[BedrockEmulator, KnowledgeBaseEmulator]]:
    """Both emulators reset, the standard AWS variables pointing at them, nothing of ~/.aws."""
    for name, value in {**bedrock_server.env(), **kb_server.env()}.items():
        monkeypatch.setenv(name, value)
    bedrock_server.reset()
    kb_server.reset()
    yield bedrock_server, kb_server
    bedrock_server.reset()
    kb_server.reset()


@pytest.fixture
def old_bot_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The old bot's working directory: `.env` verbatim and `agents/<profile>/` prompt files."""
    folder = tmp_path / "bot"
    shutil.copytree(ORIGINAL / "agents", folder / "agents")
    shutil.copy(ORIGINAL / "old.env", folder / ".env")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    for name in ("DISCORD_THREAD_MODE", "BACKEND_MODE", "MODEL_SMALL", "MODEL_MEDIUM"):
        monkeypatch.delenv(name, raising=False)
    return folder
