"""Failures around a turn: a turn that raises is counted and traced as an error, and a turn whose
record cannot be written still reaches the user."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from langchain_core.messages import BaseMessage

from community_bot.models.gateway import GenerationResult, TokenSink
from community_bot.settings import Settings
from community_bot.turns import Author
from community_bot.types import Tier
from nodes.services import Services
from runtime.app import open_app
from tests.emulators.langsmith import LangSmithEmulator
from tests.fakes import FixedKnowledge, ScriptedGateway, length_router
from tests.graph.conftest import OpenApp
from tests.observability.conftest import scrape, value

ALICE = Author(id="4242", name="Alice")


class BrokenGateway(ScriptedGateway):
    """A gateway with a bug: it raises instead of reporting a failed generation."""

    async def generate(
        self, tier: Tier, messages: Sequence[BaseMessage], on_token: TokenSink
    ) -> GenerationResult:
        raise RuntimeError("bug in the model layer")


async def test_a_failed_turn_is_counted_by_kind_and_its_trace_ends_in_error(
    make_settings: Callable[..., Settings],
    knowledge: FixedKnowledge,
    langsmith: LangSmithEmulator,
) -> None:
    settings = make_settings(
        metrics_port=0, langsmith_tracing=True, langsmith_endpoint=langsmith.url
    )
    services = Services(
        settings.memory, settings.prompts, knowledge, BrokenGateway(), length_router
    )
    async with open_app(settings, services) as app:
        with pytest.raises(RuntimeError, match="bug in the model layer"):
            await app.conversation.ask("discord:1", "How do I install it?", ALICE)
        assert app.telemetry.metrics_server is not None
        samples = scrape(app.telemetry.metrics_server.port)

    assert value(samples, "community_bot_turn_errors_total", kind="RuntimeError") == 1
    assert value(samples, "community_bot_turns_total") == 0
    [root] = langsmith.root_runs()
    assert "RuntimeError" in root["error"]
    assert root["extra"]["metadata"]["channel"] == "discord:1"


async def test_a_turn_still_answers_when_its_record_cannot_be_written(
    conversation_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    async with conversation_app() as app:
        app.ledger.close()  # as good as a full disk: every write now fails
        reply = await app.conversation.ask("discord:1", "How do I install it?", ALICE)

    assert reply.text == "answer from medium"
    assert f"could not record turn {reply.run_id} in discord:1" in caplog.text
