"""`community-bot run` as an operator starts it: a real process, stopped by SIGTERM, restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from community_bot.settings import Settings
from runtime.app import open_app
from tests.emulators.discord import DiscordEmulator
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator, answer

ROOT = Path(__file__).resolve().parents[2]
WITHIN_S = 60.0


async def start_bot(
    emu: DiscordEmulator, data_dir: Path, **settings: str
) -> asyncio.subprocess.Process:
    """`community-bot run` in a process of its own, answering in #general unless `settings`
    (environment variables) say otherwise; returns once it has identified."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(data_dir)),
        "DISCORD_BOT_TOKEN": "emulated-token",
        "DISCORD_CHANNEL_IDS": str(emu.general),  # type: ignore[attr-defined]
        "DISCORD_API_URL": emu.base_url,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "INFO",
        **settings,
    }
    identified = emu.gateway.identifies
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "runtime.cli", "run"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    await emu.wait_for(
        lambda: emu.gateway.identifies > identified or bot.returncode is not None,
        what="the bot process to connect",
        within=WITHIN_S,
    )
    assert bot.returncode is None, "community-bot run exited before connecting"
    return bot


async def stop_bot(bot: asyncio.subprocess.Process) -> str:
    bot.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(bot.communicate(), WITHIN_S)
    assert bot.returncode == 0, stderr.decode()[-3000:]
    return stderr.decode()


async def restart_until_answered(
    emu: DiscordEmulator, data_dir: Path, channel_id: int, what: str
) -> str:
    """Start the bot again on an Ollama that answers "brew install …", wait for that answer in
    `channel_id`, stop the bot; returns its log."""
    with OllamaEmulator() as ollama:
        ollama.script(OLLAMA_MODEL, answer("Use Homebrew: brew install community-bot."))
        bot = await start_bot(
            emu,
            data_dir,
            BACKEND_MODE="ollama",
            OLLAMA_BASE_URL=ollama.url,
            OLLAMA_MODEL=OLLAMA_MODEL,
        )
        try:
            await emu.wait_for(
                lambda: any("brew install" in text for text in emu.bot_texts(channel_id)),
                what=what,
                within=WITHIN_S,
            )
        finally:
            logged = await stop_bot(bot)
    return logged


async def test_run_answers_stops_cleanly_on_sigterm_and_a_restart_continues(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    general = emu.general  # type: ignore[attr-defined]
    data_dir = tmp_path / "data"

    bot = await start_bot(emu, data_dir)
    await emu.send_user_message(general, emu.alice, "How do I install it on my Mac?")  # type: ignore[attr-defined]
    await emu.wait_for(
        lambda: any("Homebrew" in text for text in emu.bot_texts(general)),
        what="the answer from the sample docs",
        within=WITHIN_S,
    )
    log = await stop_bot(bot)
    assert "signal received" in log
    assert "emulated-token" not in log

    bot = await start_bot(emu, data_dir)
    answered = len(emu.bot_messages(general))
    await emu.send_user_message(general, emu.bob, "And on Windows?")  # type: ignore[attr-defined]
    await emu.wait_for(
        lambda: len(emu.bot_messages(general)) > answered, what="the second answer", within=60
    )
    await stop_bot(bot)

    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, background=False) as app:
        history = await app.conversation.history(f"discord:{general}")
    humans = [m.content for m in history if m.type == "human"]
    assert humans == ["How do I install it on my Mac?", "And on Windows?"]


async def test_two_shard_processes_share_one_data_dir_each_answering_its_own_guild(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    lobby = {
        shard: emu.add_text_channel(
            "lobby", guild_id=emu.add_guild(f"on shard {shard}", shard=(shard, 2))
        )
        for shard in (0, 1)
    }
    data_dir = tmp_path / "data"
    # One configuration for both processes; only the shard each connects differs.
    shared = {"DISCORD_CHANNEL_IDS": f"{lobby[0]},{lobby[1]}", "DISCORD_SHARD_COUNT": "2"}
    bots = await asyncio.gather(
        *(start_bot(emu, data_dir, DISCORD_SHARD_IDS=str(shard), **shared) for shard in (0, 1))
    )
    await emu.wait_for(
        lambda: emu.gateway.live_shards == {0, 1}, what="both shards", within=WITHIN_S
    )

    questions = {0: "How do I install it on my Mac?", 1: "How do I install it on Windows?"}
    for shard, question in questions.items():
        await emu.send_user_message(lobby[shard], emu.alice, question)  # type: ignore[attr-defined]
    for shard in (0, 1):
        await emu.wait_for(
            lambda s=shard: emu.bot_messages(lobby[s]),
            what=f"shard {shard}'s answer",
            within=WITHIN_S,
        )
    logs = await asyncio.gather(*(stop_bot(bot) for bot in bots))  # SIGTERM to both at once

    for shard, log in enumerate(logs):
        assert f"turn channel=discord:{lobby[shard]} " in log
        assert f"turn channel=discord:{lobby[1 - shard]} " not in log
        assert "signal received" in log
    # Both conversations are in the one memory file under the shared DATA_DIR.
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, background=False) as app:
        for shard, question in questions.items():
            history = await app.conversation.history(f"discord:{lobby[shard]}")
            assert [m.content for m in history if m.type == "human"] == [question]
