"""Node: search the knowledge base for the newest question.

A short follow-up ("and on windows?") says little by itself, so it is searched together with the
question before it.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from nodes.context import Context, services_of
from nodes.history import latest_question, previous_question
from nodes.state import State

FOLLOW_UP_WORDS = 6


async def retrieve(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    services = services_of(runtime)
    query = retrieval_query(state)
    passages, outcome = await services.knowledge.retrieve(query)
    return {"passages": passages, "retrieval": outcome}


def retrieval_query(state: State) -> str:
    """The text to search for: the question, widened by its predecessor when it is a follow-up."""
    messages = state["messages"]
    question = latest_question(messages)
    previous = previous_question(messages)
    if previous and len(question.split()) <= FOLLOW_UP_WORDS:
        return f"{previous}\n{question}"
    return question
