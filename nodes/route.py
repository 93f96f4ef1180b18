"""Node: pick the model tier for this turn, without calling a model.

The router reads the message, the previous turn's tier (a short follow-up to a hard question
stays hard) and the knowledge-base match. The gateway then applies pins (BACKEND_MODE), the daily
budget and provider availability; the reason records both steps.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context, services_of
from graph.state import State
from nodes.history import latest_question, previous_question


async def route(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    services = services_of(runtime)
    messages = state["messages"]
    previous = state.get("route")
    retrieval = state.get("retrieval")
    choice = services.router(
        latest_question(messages),
        previous_tier=previous["tier"] if previous else None,
        previous_text=previous_question(messages),
        kb_top_score=retrieval["top_score"] if retrieval else None,
        kb_hit=retrieval["hit"] if retrieval else None,
    )
    tier, adjustment = services.models.effective_tier(choice.tier)
    reason = choice.reason if adjustment is None else f"{choice.reason}; {adjustment}"
    return {"route": {"tier": tier, "model": services.models.model_for(tier), "reason": reason}}
