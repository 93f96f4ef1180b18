"""The real app (embedded default: answers from the bundled knowledge base) behind the bot."""

from __future__ import annotations

from discord_bot.wording import with_sources
from runtime.app import open_app
from tests.discord.conftest import make_settings, running_bot
from tests.discord.recording import RecordingApp
from tests.emulators.discord import DiscordEmulator


async def test_restart_continues_a_channels_conversation(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    settings = make_settings(emu, tmp_path)
    thread = f"discord:{emu.general}"

    async with open_app(settings) as app:
        recorded = RecordingApp(app, emu.changed)
        async with running_bot(emu, settings, recorded):
            await emu.send_user_message(emu.general, emu.alice, "How do I install the bot?")
            await emu.wait_for(lambda: recorded.conversation.finals, what="first reply", within=30)
            first = recorded.conversation.finals[0]
            expected = with_sources(first.chunks, first.citations)
            await emu.wait_for(lambda: emu.bot_texts(emu.general) == expected, what="shown")

    async with open_app(settings) as app:  # a new process would see the same DATA_DIR
        recorded = RecordingApp(app, emu.changed)
        async with running_bot(emu, settings, recorded):
            await emu.send_user_message(emu.general, emu.bob, "And how do I configure it?")
            await emu.wait_for(lambda: recorded.conversation.finals, what="second reply", within=30)
            second = recorded.conversation.finals[0]
            expected += with_sources(second.chunks, second.citations)
            await emu.wait_for(lambda: emu.bot_texts(emu.general) == expected, what="shown")
        history = await app.conversation.history(thread)

    humans = [m.content for m in history if m.type == "human"]
    assert humans == ["How do I install the bot?", "And how do I configure it?"]
    assert emu.gateway.identifies == 2
