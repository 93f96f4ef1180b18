"""Node: search the knowledge base for the newest question.

A short follow-up ("and on windows?") says little by itself, so it is searched together with what
it follows: the message it replies to, or the same person's recent previous question
(`nodes.history.follow_up_of`; FOLLOW_UP_WINDOW_SECONDS). A short question whose words don't
lean on the last one ("how do I reset the memory?" after an install question) is searched alone
first, and widened only when alone it finds nothing: members ask several short, unrelated
questions in a row, and widening those mixes the previous topic's pages into the answer.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from community_bot.routing.rules import leans_on_previous
from nodes.context import Context, opened_services
from nodes.history import follow_up_of, is_reply, latest_question
from nodes.state import State


async def retrieve(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    services = await opened_services(runtime)  # a first node, beside assemble_prompt
    *first_tries, last_try = searches(state, services.memory.follow_up_window_seconds)
    for query in first_tries:
        passages, outcome = await services.knowledge.retrieve(query)
        if outcome["hit"]:
            return {"passages": passages, "retrieval": outcome}
    passages, outcome = await services.knowledge.retrieve(last_try)
    return {"passages": passages, "retrieval": outcome}


def searches(state: State, window_seconds: float) -> list[str]:
    """The texts to search for, in order: the first that finds something is used, else the
    last. The question alone, or widened by what it follows up on (see the module docstring)."""
    messages = state["messages"]
    question = latest_question(messages)
    previous = follow_up_of(messages, window_seconds)
    if previous is None:
        return [question]
    widened = f"{previous}\n{question}"
    if is_reply(messages) or leans_on_previous(question):
        return [widened]
    return [question, widened]
