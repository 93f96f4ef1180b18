"""Every degraded answer says what happened in one short line, in the text the user reads."""

from __future__ import annotations

from community_bot.models.gateway import GenerationResult
from community_bot.turns import Author
from nodes.answer_from_docs import NO_MODEL
from nodes.generate import degraded_footer
from tests.fakes import ScriptedGateway
from tests.graph.conftest import OpenApp

ALICE = Author(id="1", name="Alice")


async def test_an_answer_from_a_smaller_model_ends_with_why(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.answers = ["Use pip."]
    gateway.generation_note = "nova-pro throttled, so nova-lite answered instead"
    async with conversation_app() as app:
        reply = await app.conversation.ask("t", "How do I install it?", ALICE)
    assert reply.text == "Use pip.\n\n*(Nova-pro throttled, so nova-lite answered instead.)*"
    assert reply.turn is not None and reply.turn["note"] == gateway.generation_note


async def test_a_route_over_budget_says_so(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.answers = ["Use pip."]
    gateway.route_notice = "daily model budget $1.00 reached"
    async with conversation_app() as app:
        reply = await app.conversation.ask("t", "How do I install it?", ALICE)
    assert reply.text.endswith("\n\n*(Daily model budget $1.00 reached.)*")
    assert reply.route is not None and reply.route["note"] == gateway.route_notice


async def test_models_configured_but_down_are_named_not_called_unconfigured(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.no_models = True
    gateway.route_notice = "ollama unreachable"
    async with conversation_app() as app:
        reply = await app.conversation.ask("t", "How do I install it?", ALICE)
    first_line = reply.text.splitlines()[0]
    assert not first_line.startswith(NO_MODEL)
    assert first_line.startswith("The language model is unavailable right now (ollama unreachable)")
    assert reply.turn is not None and reply.turn["note"] == "ollama unreachable"


async def test_every_model_failing_names_the_failure_in_the_docs_answer(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.down = {"small", "medium", "large"}
    gateway.generation_note = "nova-lite timed out"
    async with conversation_app() as app:
        reply = await app.conversation.ask("t", "How do I install it?", ALICE)
    assert "unavailable right now (nova-lite timed out)" in reply.text.splitlines()[0]


def test_a_cut_answer_says_what_broke_it() -> None:
    """A checksum error is not "the model stopped responding"."""
    result = GenerationResult(text="one ", model="m", tier="large", cut=True)
    result.note = "m failing (connection broken: checksum mismatch)"
    assert degraded_footer(result, None) == (
        "\n\n*(The answer was cut off: m failing (connection broken: checksum mismatch)."
        " Ask again for the rest.)*"
    )
