"""A turn that breaks with an exception is still accounted for: counted and traced as an error."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from langchain_core.messages import BaseMessage

from community_bot.conversation import Author
from community_bot.models.gateway import GenerationResult, TokenSink
from community_bot.types import Tier
from tests.emulators.langsmith import LangSmithEmulator
from tests.fakes import ScriptedGateway
from tests.graph.conftest import OpenApp
from tests.observability.conftest import scrape, value

ALICE = Author(id="4242", name="Alice")


class BrokenGateway(ScriptedGateway):
    """A gateway with a bug: it raises instead of reporting a failed generation."""

    async def generate(
        self, tier: Tier, messages: Sequence[BaseMessage], on_token: TokenSink
    ) -> GenerationResult:
        raise RuntimeError("bug in the model layer")


@pytest.fixture
def gateway() -> ScriptedGateway:
    return BrokenGateway()


async def test_a_failed_turn_is_counted_by_kind_and_its_trace_ends_in_error(
    conversation_app: OpenApp, langsmith: LangSmithEmulator
) -> None:
    async with conversation_app(
        metrics_port=0, langsmith_tracing=True, langsmith_endpoint=langsmith.url
    ) as app:
        with pytest.raises(RuntimeError, match="bug in the model layer"):
            await app.conversation.ask("discord:1", "How do I install it?", ALICE)
        assert app.telemetry.metrics_server is not None
        samples = scrape(app.telemetry.metrics_server.port)

    assert value(samples, "community_bot_turn_errors_total", kind="RuntimeError") == 1
    assert value(samples, "community_bot_turns_total") == 0
    [root] = langsmith.root_runs()
    assert "RuntimeError" in root["error"]
    assert root["extra"]["metadata"]["channel"] == "discord:1"
