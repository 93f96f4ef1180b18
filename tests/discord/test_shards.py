"""Shards: which shards a process connects, checked at start-up, and what it then receives."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from community_bot.errors import CommunityBotError, ConfigError
from community_bot.settings import load_settings
from community_bot.startup_lock import one_process_at_a_time
from runtime.cli import main
from tests.discord.conftest import client_for, make_settings, running_bot, scripted
from tests.emulators.discord import DiscordEmulator


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        (
            {"DISCORD_SHARD_IDS": "0,1"},
            "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT, the number of shards across all"
            " processes",
        ),
        (
            {"DISCORD_SHARD_IDS": "1,0,1", "DISCORD_SHARD_COUNT": "2"},
            "DISCORD_SHARD_IDS: shard 1 is listed twice",
        ),
        (
            {"DISCORD_SHARD_IDS": "0,2", "DISCORD_SHARD_COUNT": "2"},
            "DISCORD_SHARD_IDS: shard 2 does not exist with DISCORD_SHARD_COUNT=2"
            " (shards are numbered 0 to 1)",
        ),
        (
            {"DISCORD_SHARD_IDS": "-1", "DISCORD_SHARD_COUNT": "2"},
            "DISCORD_SHARD_IDS: shard -1 does not exist",
        ),
        ({"DISCORD_SHARD_IDS": "first", "DISCORD_SHARD_COUNT": "2"}, "DISCORD_SHARD_IDS: "),
        ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT: Input should be greater than"),
    ],
)
def test_a_bad_shard_setting_fails_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], complaint: str
) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert any(problem.startswith(complaint) for problem in raised.value.problems), (
        raised.value.problems
    )


def test_shards_come_from_the_environment_and_a_count_implies_the_sharded_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "2, 3")
    settings = load_settings()
    assert (settings.discord_shard_count, settings.discord_shard_ids) == (4, [2, 3])
    assert settings.discord_sharded is True
    assert settings.holds_shard_zero is False
    assert load_settings(discord_shard_ids="3,0").holds_shard_zero is True
    assert load_settings(discord_shard_ids=[]).holds_shard_zero is True  # all four, here


def test_run_takes_the_shards_on_its_command_line_and_checks_them_before_connecting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--shard-count", "2", "--shard-ids", "1,2"]) == 2
    assert "DISCORD_SHARD_IDS: shard 2 does not exist" in capsys.readouterr().err


async def test_the_factory_hands_the_shards_to_an_auto_sharded_client(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    settings = make_settings(emu, tmp_path, discord_shard_count=3, discord_shard_ids=[2, 0])
    async with client_for(settings, scripted(emu)) as client:  # connects nothing
        assert isinstance(client, discord.AutoShardedClient)
        assert (client.shard_count, client.shard_ids) == (3, [2, 0])
    assert emu.gateway.identifies == 0


async def test_a_process_receives_only_its_shards_guilds(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    on_zero = emu.add_text_channel("lobby", guild_id=emu.add_guild("zero", shard=(0, 2)))
    on_one = emu.add_text_channel("lobby", guild_id=emu.add_guild("one", shard=(1, 2)))
    answer_in = [on_zero, on_one]
    settings = make_settings(
        emu, tmp_path, discord_channel_ids=answer_in, discord_shard_count=2, discord_shard_ids=[1]
    )
    async with running_bot(emu, settings, scripted(emu)) as client:
        assert emu.gateway.live_shards == {1}
        await emu.send_user_message(on_one, emu.alice, "question from shard one?")  # type: ignore[attr-defined]
        expected = ["Answer to: question from shard one? (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(on_one) == expected, what="the answer")
        names = {guild.name for guild in client.guilds}
        assert "one" in names
        assert "zero" not in names
        with pytest.raises(RuntimeError, match="no gateway session receives MESSAGE_CREATE"):
            await emu.send_user_message(on_zero, emu.alice, "nobody holds shard zero")  # type: ignore[attr-defined]
    # With a count, discord.py does not ask Discord how many shards to open.
    assert not any(r.path.endswith("/gateway/bot") for r in emu.requests)


async def test_without_a_count_the_sharded_client_opens_what_discord_recommends(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    emu.recommended_shards = 2
    on_zero = emu.add_text_channel("lobby", guild_id=emu.add_guild("zero", shard=(0, 2)))
    on_one = emu.add_text_channel("lobby", guild_id=emu.add_guild("one", shard=(1, 2)))
    settings = make_settings(
        emu, tmp_path, discord_channel_ids=[on_zero, on_one], discord_sharded=True
    )
    async with running_bot(emu, settings, scripted(emu)):
        await emu.wait_for(lambda: emu.gateway.live_shards == {0, 1}, what="both shards")
        for channel in (on_zero, on_one):
            await emu.send_user_message(channel, emu.bob, f"question in {channel}?")  # type: ignore[attr-defined]
        for channel in (on_zero, on_one):
            expected = [f"Answer to: question in {channel}? (remembered 0)"]
            await emu.wait_for(lambda c=channel, e=expected: emu.bot_texts(c) == e, what="answer")


async def test_processes_sharing_data_dir_start_one_at_a_time(tmp_path):
    async with one_process_at_a_time(tmp_path):
        with pytest.raises(
            CommunityBotError, match=f"DATA_DIR: another process sharing {tmp_path}"
        ):
            async with one_process_at_a_time(tmp_path, wait_s=0.05):
                pass
    async with one_process_at_a_time(tmp_path, wait_s=0.05):
        pass  # free again once the first is through
