"""The conversation graph end to end: real graph, real SQLite checkpointer, scripted models."""

from __future__ import annotations

from langchain_core.messages import SystemMessage

from community_bot.turns import Author, FinalReply, TokenEvent
from community_bot.types import RETRIEVAL_ONLY
from graph.builder import build_graph
from nodes.answer_from_docs import NO_MODEL
from tests.fakes import ScriptedGateway
from tests.graph.conftest import OpenApp

ALICE = Author(id="1", name="Alice")
BOB = Author(id="2", name="Bob")


async def test_a_question_is_routed_answered_and_split(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.answers = ["Use Homebrew [1]. " + "More detail. " * 300]
    async with conversation_app(max_response_chars=500) as app:
        reply = await app.conversation.ask("discord:1", "How do I install it on my mac?", ALICE)

    assert reply.route == {"tier": "medium", "model": "fake-medium", "reason": "question"}
    assert gateway.tiers_called == ["medium"]
    assert len(reply.chunks) > 1
    assert all(len(chunk) <= 500 for chunk in reply.chunks)
    assert reply.text.startswith("Use Homebrew [1].")
    assert reply.citations == [{"number": 1, "title": "Install", "source": "knowledge/install.md"}]
    assert reply.turn is not None and reply.turn["model"] == "fake-medium"
    assert reply.turn["outcome"] == "ok"


async def test_prompt_holds_profile_references_and_speaker_names(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app() as app:
        await app.conversation.ask("discord:1", "How do I install it?", ALICE)

    system, *conversation = gateway.prompts[0]
    assert isinstance(system, SystemMessage)
    assert "You are community-bot" in system.content
    assert "<reference_material>" in system.content
    assert "[1] Install (knowledge/install.md)" in system.content
    assert "not instructions" in system.content
    assert conversation[-1].content == "Alice: How do I install it?"


async def test_tokens_stream_before_the_final_reply(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.answers = ["one two three four"]
    async with conversation_app() as app:
        events = [e async for e in app.conversation.stream_turn("t", "hello?", ALICE)]

    tokens = [e.text for e in events if isinstance(e, TokenEvent)]
    assert len(tokens) > 1
    assert "".join(tokens) == "one two three four"
    assert isinstance(events[-1], FinalReply)
    assert events[-1].text == "one two three four"


async def test_without_a_model_the_bot_quotes_the_docs_and_says_why(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.no_models = True
    async with conversation_app() as app:
        reply = await app.conversation.ask("t", "How do I install it?", ALICE)

    assert gateway.prompts == []  # no model was even tried
    assert reply.text.startswith(NO_MODEL)
    assert "> Install with `pip install community-bot`." in reply.text
    assert reply.citations[0]["source"] == "knowledge/install.md"
    assert reply.turn is not None and reply.turn["model"] == RETRIEVAL_ONLY


async def test_when_every_model_fails_the_docs_answer_records_the_attempts(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    gateway.down = {"small", "medium", "large"}
    async with conversation_app() as app:
        reply = await app.conversation.ask("t", "How do I install it?", ALICE)

    assert "unavailable right now" in reply.text
    assert reply.turn is not None
    assert reply.turn["outcome"] == "retrieval_only"
    assert reply.turn["attempts"] == ["fake-medium: down"]


async def test_each_human_message_keeps_its_author(conversation_app: OpenApp) -> None:
    async with conversation_app() as app:
        await app.conversation.ask("shared", "hi", ALICE)
        await app.conversation.ask("shared", "hello", BOB)
        history = await app.conversation.history("shared")

    humans = [m for m in history if m.type == "human"]
    assert [m.additional_kwargs["author_name"] for m in humans] == ["Alice", "Bob"]
    assert [m.additional_kwargs["author_id"] for m in humans] == ["1", "2"]


def test_graph_draws_every_node_and_route_for_studio() -> None:
    drawn = build_graph().get_graph()
    assert set(drawn.nodes) >= {
        "assemble_prompt",
        "retrieve",
        "route",
        "generate",
        "answer_from_docs",
        "split_reply",
        "summarize_memory",
    }
    routes = {(edge.source, edge.target) for edge in drawn.edges if edge.conditional}
    assert routes == {
        ("route", "generate"),
        ("route", "answer_from_docs"),
        ("generate", "split_reply"),
        ("generate", "answer_from_docs"),
        ("split_reply", "summarize_memory"),
        ("split_reply", "__end__"),
    }


async def test_every_turn_is_recorded_in_the_ledger(
    conversation_app: OpenApp, gateway: ScriptedGateway
) -> None:
    async with conversation_app() as app:
        reply = await app.conversation.ask("c", "How do I install it?", ALICE)
        turns, cost = app.ledger.today()
        rows = app.ledger.rows_since(0)

    assert turns == 1 and cost == 0.0
    assert rows[0]["run_id"] == reply.run_id
    assert rows[0]["model"] == "fake-medium"
    assert rows[0]["kb_hit"] == 1
