"""The client factory: one documented function from settings to an unconnected client."""

from __future__ import annotations

import discord
import pytest

from runtime.cli import main
from tests.discord.conftest import client_for, make_settings, running_bot, scripted
from tests.emulators.discord import DiscordEmulator


async def test_build_client_connects_nothing_and_never_pings(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    client = client_for(make_settings(emu, tmp_path), scripted(emu))
    assert not client.is_ready()
    assert emu.gateway.identifies == 0
    mentions = client.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == {"parse": []}
    await client.close()


async def test_sharding_is_one_setting_away(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    settings = make_settings(emu, tmp_path, discord_sharded=True)
    async with running_bot(emu, settings, scripted(emu)) as client:
        assert isinstance(client, discord.AutoShardedClient)
        await emu.send_user_message(emu.general, emu.alice, "sharded question?")
        expected = ["Answer to: sharded question? (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == expected, what="answer")
    assert any(r.path.endswith("/gateway/bot") for r in emu.requests)


def test_run_without_a_token_fails_at_start_naming_the_variable(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["run"]) == 2
    assert "DISCORD_BOT_TOKEN: required to connect to Discord" in capsys.readouterr().err
