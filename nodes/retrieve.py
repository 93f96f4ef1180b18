"""Node: search the knowledge base for the newest question.

A short follow-up ("and on windows?") says little by itself, so it is searched together with what
it follows: the message it replies to, or the same person's recent previous question
(`nodes.history.follow_up_of`; FOLLOW_UP_WINDOW_SECONDS).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from nodes.context import Context, services_of
from nodes.history import follow_up_of, latest_question
from nodes.state import State


async def retrieve(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    services = services_of(runtime)
    query = retrieval_query(state, services.memory.follow_up_window_seconds)
    passages, outcome = await services.knowledge.retrieve(query)
    return {"passages": passages, "retrieval": outcome}


def retrieval_query(state: State, window_seconds: float) -> str:
    """The text to search for: the question, widened by what it follows up on, if anything."""
    messages = state["messages"]
    question = latest_question(messages)
    previous = follow_up_of(messages, window_seconds)
    return f"{previous}\n{question}" if previous else question
