"""Fixtures for the over-the-wire Discord tests: an emulator and a running bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest

from community_bot.settings import Settings
from discord_bot import build_client
from discord_bot.backend import Backend
from tests.emulators.discord import DiscordEmulator


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator()
    emu.general = emu.add_text_channel("general")  # type: ignore[attr-defined]
    emu.support = emu.add_text_channel("support")  # type: ignore[attr-defined]
    emu.offtopic = emu.add_text_channel("off-topic")  # type: ignore[attr-defined]
    emu.forum = emu.add_forum_channel("help-forum")  # type: ignore[attr-defined]
    emu.alice = emu.add_member("alice")  # type: ignore[attr-defined]
    emu.bob = emu.add_member("bob")  # type: ignore[attr-defined]
    emu.carol = emu.add_member("carol")  # type: ignore[attr-defined]
    emu.mod = emu.add_member("mod", roles=[emu.moderator_role_id])  # type: ignore[attr-defined]
    emu.other_bot = emu.add_member("other-bot", bot=True)  # type: ignore[attr-defined]
    async with emu:
        yield emu


def make_settings(emu: DiscordEmulator, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a bot answering in #general and #support, with quick throttles for tests."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "discord_bot_token": "emulated-token",
        "discord_channel_ids": [emu.general, emu.support],  # type: ignore[attr-defined]
        "discord_edit_interval_seconds": 0.2,
        "discord_shutdown_grace_seconds": 5.0,
        "rate_limit_per_minute": 600.0,
        "rate_limit_burst": 20,
    }
    values.update(overrides)
    return Settings(**values)


def client_for(settings: Settings, app: Backend) -> discord.Client:
    """`build_client` as `community-bot run` calls it (`runtime.discord_run`)."""
    return build_client(
        settings.discord, app, data_dir=settings.data_dir, reply_limit=settings.max_response_chars
    )


@asynccontextmanager
async def running_bot(
    emu: DiscordEmulator, settings: Settings, app: Backend
) -> AsyncIterator[discord.Client]:
    """The production client from `build_client`, connected to the emulator until exit."""
    client = client_for(settings, app)
    assert settings.discord_bot_token is not None
    task = asyncio.create_task(client.start(settings.discord_bot_token.get_secret_value()))
    connects = emu.gateway.identifies
    try:
        await emu.wait_for(
            lambda: task.done() or emu.gateway.identifies > connects, what="the bot to identify"
        )
        if task.done():
            task.result()
        yield client
    finally:
        await client.close()
        await task


def scripted(emu: DiscordEmulator, **conversation: Any) -> Any:
    """A ScriptedBackend whose every turn and feedback wakes the emulator's waiters."""
    from tests.discord.fakes import ScriptedBackend, ScriptedConversation

    return ScriptedBackend(ScriptedConversation(notify=emu.changed, **conversation))


def fences_balanced(text: str) -> bool:
    """Every ``` fence line in `text` is closed (an even number of fence lines)."""
    return sum(1 for line in text.splitlines() if line.strip().startswith("```")) % 2 == 0
