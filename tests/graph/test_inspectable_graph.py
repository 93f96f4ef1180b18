"""The Studio graph keeps each step's working values, so any step can be inspected and resumed."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import StateSnapshot

from graph.builder import Graph, build_graph
from nodes.context import Context
from nodes.services import Router, Services
from nodes.state import State
from tests.fakes import FixedKnowledge, ScriptedGateway

THREAD: RunnableConfig = {"configurable": {"thread_id": "studio"}}


@pytest.fixture
def context(
    make_settings: Any, knowledge: FixedKnowledge, gateway: ScriptedGateway, router: Router
) -> Context:
    settings = make_settings()
    return Context(services=Services(settings.memory, settings.prompts, knowledge, gateway, router))


async def _studio_turn_up_to_the_model(context: Context) -> tuple[Graph, StateSnapshot]:
    """One Studio turn, and its checkpoint just before `generate`."""
    graph = build_graph(InMemorySaver(), schema=State)
    await graph.ainvoke(
        {"messages": [HumanMessage("How do I install it?")]}, THREAD, context=context
    )
    history = [s async for s in graph.aget_state_history(THREAD) if s.next == ("generate",)]
    assert len(history) == 1
    return graph, history[0]


async def test_studio_checkpoints_hold_the_prompt_of_every_step(context: Context) -> None:
    _, before_generate = await _studio_turn_up_to_the_model(context)

    values = before_generate.values
    assert "You are community-bot" in values["system_prompt"]
    assert [m.content for m in values["window"]] == ["How do I install it?"]
    assert values["passages"][0]["title"] == "Install"


async def test_a_studio_run_resumes_from_the_step_before_the_model(
    context: Context, gateway: ScriptedGateway
) -> None:
    graph, before_generate = await _studio_turn_up_to_the_model(context)

    gateway.answers = ["A second answer."]
    replayed = await graph.ainvoke(None, before_generate.config, context=context)

    assert replayed["reply_chunks"] == ["A second answer."]
    assert gateway.prompts[-1][-1].content == "How do I install it?"


async def test_the_bots_checkpoints_leave_the_working_values_out(context: Context) -> None:
    graph = build_graph(InMemorySaver())
    await graph.ainvoke(
        {"messages": [HumanMessage("How do I install it?")]},
        THREAD,
        context=context,
        durability="exit",
    )

    saved = (await graph.aget_state(THREAD)).values
    assert {"window", "passages", "system_prompt"}.isdisjoint(saved)
    assert len(saved["messages"]) == 2


async def test_without_a_store_summarised_messages_stay_in_the_checkpoint(
    make_settings: Any, knowledge: FixedKnowledge, gateway: ScriptedGateway, router: Router
) -> None:
    """Nothing may be lost: a graph compiled without a store has nowhere to move them."""
    settings = make_settings(memory_max_messages=4)
    context = Context(
        services=Services(settings.memory, settings.prompts, knowledge, gateway, router)
    )
    graph = build_graph(InMemorySaver())
    for n in range(12):
        question = HumanMessage(f"message number {n}")
        await graph.ainvoke({"messages": [question]}, THREAD, context=context)

    state = (await graph.aget_state(THREAD)).values
    assert len(state["messages"]) == 24
    assert state["summary"] and state["summarized_until"] >= 10
