"""Settings alone wire the knowledge layer: Bedrock beside the local index, agents in the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from community_bot.settings import Settings
from nodes.services import Services
from runtime.app import open_app
from runtime.cli import main
from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator, chunk
from tests.fakes import ScriptedGateway, length_router
from tests.kb_remote.conftest import KB_ID
from tests.kb_wiring import knowledge_from

MakeSettings = Callable[..., Settings]


def handbook(tmp_path: Path) -> Path:
    folder = tmp_path / "handbook"
    folder.mkdir()
    (folder / "events.md").write_text("# Game night\n\nGame night is every Friday at 8 pm UTC.\n")
    return folder


async def test_knowledge_base_id_puts_bedrock_beside_the_local_folders(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings, tmp_path: Path
) -> None:
    knowledge_base.add(KB_ID, chunk("Reset your password in Settings.", "s3://kb/password.md"))
    knowledge = knowledge_from(make_settings(local_kb_paths=[str(handbook(tmp_path))]))
    await knowledge.prepare()
    try:
        assert [s.name for s in knowledge.sources] == ["local", f"bedrock:{KB_ID}"]
        from_bedrock, _ = await knowledge.retrieve("how do I reset my password")
        from_folder, _ = await knowledge.retrieve("when is game night")
    finally:
        await knowledge.aclose()
    assert from_bedrock[0]["source"] == "s3://kb/password.md"
    assert from_folder[0]["origin"] == "local"


async def test_the_bot_runs_source_agents_in_the_background_into_the_local_index(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings, tmp_path: Path
) -> None:
    config = tmp_path / "agents.yaml"
    agent = {"id": "handbook", "kind": "folder", "config": {"path": str(handbook(tmp_path))}}
    config.write_text(yaml.safe_dump({"agents": [agent]}))
    settings = make_settings(
        knowledge_base_id=[],
        source_agents_enabled=True,
        source_agents_run_on_startup=True,
        source_agents_config=config,
    )
    services = Services(
        settings.memory,
        settings.prompts,
        knowledge_from(settings),
        ScriptedGateway(),
        length_router,
    )
    async with open_app(settings, services) as app:
        assert app.scheduler is not None
        await asyncio.wait_for(app.scheduler.reported.wait(), timeout=30)
        passages, outcome = await services.knowledge.retrieve("when is game night")
        status = await app.status()
    assert outcome["hit"]
    assert "Friday" in passages[0]["text"]
    assert any("handbook" in note for note in status.notes)


async def test_terminal_commands_start_no_background_sync(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    settings = make_settings(knowledge_base_id=[], source_agents_enabled=True)
    services = Services(
        settings.memory,
        settings.prompts,
        knowledge_from(settings),
        ScriptedGateway(),
        length_router,
    )
    async with open_app(settings, services, background=False) as app:
        assert app.scheduler is None


def test_kb_sync_is_a_kb_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["kb", "sync", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--once" in out
    assert "SOURCE_AGENTS_CONFIG" in out
