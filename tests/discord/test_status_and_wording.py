"""What `/status` and the docs-only answer say, with the real app behind the real client."""

from __future__ import annotations

from community_bot.routing import decide
from nodes.services import Services
from runtime.app import open_app
from tests.discord.conftest import make_settings, running_bot
from tests.discord.test_commands import follow_ups
from tests.emulators.discord import DiscordEmulator
from tests.emulators.ollama import OllamaEmulator
from tests.fakes import FixedKnowledge, ScriptedGateway


async def test_status_with_a_pinned_backend_shows_its_models_available(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    with OllamaEmulator() as ollama:
        settings = make_settings(
            emu,
            tmp_path,
            backend_mode="ollama",
            ollama_model="llama3.2:3b",
            ollama_base_url=ollama.url,
        )
        async with open_app(settings) as app, running_bot(emu, settings, app):
            status = await emu.invoke_slash("status", channel_id=emu.general, user_id=emu.carol)
            await emu.wait_for(lambda: follow_ups(emu, status), what="/status card", within=30)
    card = follow_ups(emu, status)[0]
    for tier in ("small", "medium", "large"):
        assert f"✅ {tier}: `ollama/llama3.2:3b` (BACKEND_MODE=ollama)" in card, card
    assert "❌" not in card


async def test_nothing_found_reads_with_a_capital_i(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    settings = make_settings(emu, tmp_path)
    services = Services(
        settings.memory, settings.prompts, FixedKnowledge(), ScriptedGateway(no_models=True), decide
    )
    async with open_app(settings, services) as app, running_bot(emu, settings, app):
        await emu.send_user_message(emu.general, emu.alice, "How do I frobnicate the quux?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the docs-only answer")
    assert emu.bot_texts(emu.general) == [
        "No language model is configured, and I found nothing in the docs about that. "
        "Try other words, or ask a maintainer."
    ]
