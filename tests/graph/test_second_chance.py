"""A cheaper model out of its depth gets one second chance a tier up, within the turn, on record.

Real graph and real gateway; Bedrock is emulated over the wire with scripted answers.
"""

from __future__ import annotations

import pytest

from community_bot.models import RoutedGateway
from community_bot.models.second_chance import NOTE, out_of_depth
from community_bot.turns import Author, FinalReply, TokenEvent
from tests.emulators.bedrock_runtime import NOVA_LITE as LITE
from tests.emulators.bedrock_runtime import NOVA_PRO as PRO
from tests.emulators.bedrock_runtime import BedrockEmulator, Behaviour, answer, fail
from tests.fakes import FixedKnowledge
from tests.graph.conftest import OpenApp

ALICE = Author(id="7", name="Alice")
QUESTION = "How do I install it on my Mac?"  # the test router sends questions to medium
STRONG = "Use Homebrew: brew install community-bot, then run community-bot setup."


@pytest.fixture
def gateway(nova_gateway: RoutedGateway) -> RoutedGateway:
    return nova_gateway  # the app's model gateway in this module


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        (answer("First, open a terminal and", stop_reason="max_tokens"), "stopped at the length"),
        (answer("I don't know how to install it on a Mac."), "said it did not know though"),
        (answer("I'm sorry, but I am unable to help with that."), "refused"),
    ],
)
async def test_a_medium_answer_out_of_its_depth_is_answered_again_by_the_large_model(
    conversation_app: OpenApp, bedrock: BedrockEmulator, weak: Behaviour, why: str
) -> None:
    bedrock.script(LITE, weak)
    bedrock.script(PRO, answer(STRONG, input_tokens=300, output_tokens=20))

    async with conversation_app() as app:
        events = [e async for e in app.conversation.stream_turn("discord:1", QUESTION, ALICE)]

    reply = events[-1]
    streamed = "".join(e.text for e in events if isinstance(e, TokenEvent))
    assert isinstance(reply, FinalReply) and reply.route and reply.turn
    assert bedrock.model_ids() == [LITE, PRO]
    assert reply.text.startswith(STRONG)
    assert NOTE in streamed and streamed.endswith(STRONG)
    assert reply.route["tier"] == "large" and reply.route["model"] == PRO
    assert f"second chance on large: the medium model {why}" in reply.route["reason"]
    assert reply.turn.get("second_chance", "").startswith("second chance on large")
    assert reply.turn["model"] == PRO and reply.turn["input_tokens"] > 300


async def test_a_good_answer_gets_no_second_call(
    conversation_app: OpenApp, bedrock: BedrockEmulator
) -> None:
    bedrock.script(LITE, answer(STRONG))

    async with conversation_app() as app:
        reply = await app.conversation.ask("discord:1", QUESTION, ALICE)

    assert bedrock.model_ids() == [LITE]
    assert reply.turn is not None and "second_chance" not in reply.turn
    assert reply.route is not None and "second chance" not in reply.route["reason"]


async def test_not_knowing_without_knowledge_base_matches_is_an_honest_answer(
    conversation_app: OpenApp, bedrock: BedrockEmulator, knowledge: FixedKnowledge
) -> None:
    knowledge.passages = []
    bedrock.script(LITE, answer("I don't know; the docs don't cover Macs."))

    async with conversation_app() as app:
        reply = await app.conversation.ask("discord:1", QUESTION, ALICE)

    assert bedrock.model_ids() == [LITE]
    assert reply.text.startswith("I don't know")


async def test_when_the_stronger_model_fails_the_first_answer_stands_and_the_log_says_so(
    conversation_app: OpenApp, bedrock: BedrockEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    bedrock.script(LITE, answer("First, open a terminal and", stop_reason="max_tokens"))
    bedrock.script(PRO, fail("AccessDeniedException"))

    async with conversation_app() as app:
        reply = await app.conversation.ask("discord:1", QUESTION, ALICE)

    assert bedrock.model_ids()[:2] == [LITE, PRO]
    assert reply.text.startswith("First, open a terminal and")
    assert reply.route is not None and reply.route["model"] == LITE
    assert "second chance on large failed" in caplog.text
    assert "keeping the medium answer, which stopped at the length limit" in caplog.text


def test_only_the_opening_of_a_long_answer_is_read_for_doubt() -> None:
    long_answer = "Install it with Homebrew. " * 30 + "I'm not sure about Intel Macs."

    assert out_of_depth(long_answer, "end_turn", kb_hit=True) is None
    assert out_of_depth("I'm not sure.", "end_turn", kb_hit=True) is not None
    assert out_of_depth("I'm not sure.", "end_turn", kb_hit=False) is None
    assert out_of_depth("Ok", "length", kb_hit=False) == "stopped at the length limit"
