"""The real router in the graph: the route node records its decision in the checkpointed state."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from community_bot.routing import decide
from community_bot.settings import Settings
from community_bot.turns import Author
from graph.builder import build_graph
from nodes.services import Router
from tests.fakes import FixedKnowledge, ScriptedGateway
from tests.graph.conftest import OpenApp

ALICE = Author(id="1", name="Alice")
TRACEBACK = """bot won't start:
```
Traceback (most recent call last):
  File "/app/discord_bot/runtime.py", line 88, in _run
    await client.start(token)
discord.errors.LoginFailure: Improper token has been passed.
```"""


@pytest.fixture
def router() -> Router:
    return decide


@pytest.fixture
def knowledge() -> FixedKnowledge:
    return FixedKnowledge([])  # a miss, unless a test supplies passages


async def test_route_node_records_tier_model_and_reason_in_the_checkpoint(
    conversation_app: OpenApp,
    gateway: ScriptedGateway,
    make_settings: Callable[..., Settings],
) -> None:
    async with conversation_app() as app:
        reply = await app.conversation.ask("discord:7", TRACEBACK, ALICE)

    assert reply.route is not None
    assert reply.route["tier"] == "large"
    assert reply.route["model"] == "fake-large"
    assert reply.route["reason"].startswith("large: P(large)")
    assert "traceback" in reply.route["reason"]
    assert gateway.tiers_called == ["large"]
    settings = make_settings()
    async with AsyncSqliteSaver.from_conn_string(str(settings.checkpoint_path)) as saver:
        snapshot = await build_graph(saver).aget_state({"configurable": {"thread_id": "discord:7"}})
    assert snapshot.values["route"] == reply.route


async def test_a_short_follow_up_stays_on_the_tier_of_the_hard_question_before_it(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app() as app:
        await app.conversation.ask("discord:7", TRACEBACK, ALICE)
        follow_up = await app.conversation.ask("discord:7", "still the same", ALICE)
        thanks = await app.conversation.ask("discord:7", "thanks, that fixed it!", ALICE)

    assert follow_up.route is not None and thanks.route is not None
    assert follow_up.route["reason"].startswith("large: P(large)")
    assert "follow-up to a large turn" in follow_up.route["reason"]
    assert thanks.route["tier"] == "small"
    assert gateway.tiers_called == ["large", "large", "small"]


async def test_a_knowledge_base_match_lets_a_cheaper_tier_answer(
    conversation_app: OpenApp, gateway: ScriptedGateway, knowledge: FixedKnowledge
) -> None:
    question = "how do I run it as a systemd service?"
    async with conversation_app() as app:
        missed = await app.conversation.ask("a", question, ALICE)
        knowledge.passages = [
            {
                "text": "Run `community-bot discord` from a systemd unit: see deploy/bot.service.",
                "title": "Deploy",
                "source": "knowledge/deploy.md",
                "heading": "systemd",
                "score": 0.9,
                "origin": "local",
            }
        ]
        answered = await app.conversation.ask("b", question, ALICE)

    assert missed.route is not None and answered.route is not None
    assert missed.route["reason"].startswith("medium: P(large)")
    assert missed.route["reason"].endswith("how-to, KB miss")
    assert answered.route["reason"].startswith("small: P(large)")
    assert answered.route["reason"].endswith("how-to, KB answers it")
    assert gateway.tiers_called == ["medium", "small"]
