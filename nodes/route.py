"""Node: pick the model tier for this turn, without calling a model.

The router reads the message, the previous turn's tier (a short follow-up to a hard question
stays hard) and the knowledge-base match. The gateway then applies pins (BACKEND_MODE), the daily
budget and provider health (escalating to a bigger model when the tier's own is down); the reason
records both steps, and a route worse than asked carries a `note` the user sees. When no model is
usable the turn goes straight to `answer_from_docs`: the node routes with a `Command`, which costs
less than a conditional edge that reads the whole state again (`python -m bench --only graph`).
"""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from community_bot.types import RETRIEVAL_ONLY, RouteDecision
from nodes.context import Context, services_of
from nodes.history import follow_up_of, latest_question
from nodes.state import State


async def route(
    state: State, runtime: Runtime[Context]
) -> Command[Literal["generate", "answer_from_docs"]]:
    services = services_of(runtime)
    messages = state["messages"]
    previous = state.get("route")
    retrieval = state.get("retrieval")
    choice = services.router(
        latest_question(messages),
        previous_tier=previous["tier"] if previous else None,
        previous_text=follow_up_of(messages, services.memory.follow_up_window_seconds),
        kb_top_score=retrieval["top_score"] if retrieval else None,
        kb_hit=retrieval["hit"] if retrieval else None,
    )
    tier, adjustment = services.models.effective_tier(choice.tier)
    reason = choice.reason if adjustment is None else f"{choice.reason}; {adjustment}"
    model = services.models.model_for(tier)
    decision: RouteDecision = {"tier": tier, "model": model, "reason": reason}
    if notice := services.models.notice(choice.tier):  # the user hears it, not just the log
        decision["note"] = notice
    return Command(
        update={"route": decision},
        goto="answer_from_docs" if model == RETRIEVAL_ONLY else "generate",
    )
