"""The Discord bot's own events reach the metrics: rate-limit refusals and 👍/👎 reactions.

The real app (graph, SQLite memory, telemetry; scripted models) behind the production client,
connected to the Discord emulator; metrics scraped over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from nodes.services import Services
from runtime.app import App, open_app
from tests.discord.conftest import make_settings as discord_settings
from tests.discord.conftest import running_bot
from tests.discord.recording import RecordingApp
from tests.fakes import FixedKnowledge, ScriptedGateway, length_router
from tests.observability.conftest import scrape, value


class VotingApp(RecordingApp):
    """The recorded app, also waking the emulator's waiters once a vote is stored."""

    def __init__(self, app: App, notify: Callable[[], None]) -> None:
        super().__init__(app, notify)
        self._notify = notify

    async def record_feedback(self, **kwargs: Any) -> None:
        await super().record_feedback(**kwargs)
        self._notify()


async def test_rate_limited_messages_and_reactions_are_counted(
    emulator: Any, tmp_path: Path, gateway: ScriptedGateway, knowledge: FixedKnowledge
) -> None:
    emu: Any = emulator  # a DiscordEmulator with the channels and members of the fixture
    settings = discord_settings(
        emu, tmp_path, rate_limit_burst=1, rate_limit_per_minute=1.0, metrics_port=0
    )
    services = Services(settings.memory, settings.prompts, knowledge, gateway, length_router)
    async with open_app(settings, services) as app:
        recorded = VotingApp(app, emu.changed)
        finals = recorded.conversation.finals
        async with running_bot(emu, settings, recorded):
            for n in range(3):
                await emu.send_user_message(emu.general, emu.alice, f"question {n}?")
            await emu.wait_for(lambda: finals, what="the one answer")
            text = finals[0].chunks[0]
            answer = await emu.wait_for(
                lambda: [m for m in emu.bot_messages(emu.general) if m["content"].startswith(text)],
                what="the finished answer in the channel",
            )
            await emu.add_reaction(emu.general, int(answer[0]["id"]), emu.bob, "👍")
            await emu.wait_for(lambda: app.ledger.feedback_for(str(finals[0].run_id)), what="vote")
        assert app.telemetry.metrics_server is not None
        samples = scrape(app.telemetry.metrics_server.port)

    assert value(samples, "community_bot_rate_limited_total") == 2
    assert value(samples, "community_bot_turns_total", model="fake-medium") == 1
    assert value(samples, "community_bot_feedback_total", vote="up", model="fake-medium") == 1
