"""Node: answer with the routed tier's model, streaming tokens as they arrive.

The gateway walks the fallback chain (large → medium → small). If no model answers, this node adds
no message and sends the turn on to `answer_from_docs`, the last step of every chain. A stream
that breaks after tokens were sent keeps them and says, in one line, why the answer was cut; a
fallback to a smaller model, or a route over budget, says so the same way.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langgraph.runtime import Runtime
from langgraph.types import Command

from community_bot.models.gateway import GenerationResult
from community_bot.types import TurnRecord
from nodes.context import Context, services_of
from nodes.state import State
from prompts.references import format_references

CUT_NOTE = "\n\n*(The answer was cut off: {why}. Ask again for the rest.)*"
DEGRADED_NOTE = "\n\n*({why}.)*"


async def generate(
    state: State, runtime: Runtime[Context]
) -> Command[Literal["split_reply", "answer_from_docs"]]:
    services = services_of(runtime)
    write = runtime.stream_writer
    result = await services.models.generate(
        state["route"]["tier"], model_messages(state), lambda token: write({"token": token})
    )
    if result.model is None:
        return Command(
            update={"turn": turn_record(result, "retrieval_only")}, goto="answer_from_docs"
        )
    text = result.text
    if footer := degraded_footer(result, state["route"].get("note")):
        write({"token": footer})
        text += footer
    outcome = "cut" if result.cut else ("fallback" if result.attempts else "ok")
    answer = AIMessage(content=text, response_metadata={"model": result.model, "tier": result.tier})
    return Command(
        update={"messages": [answer], "turn": turn_record(result, outcome)}, goto="split_reply"
    )


def degraded_footer(result: GenerationResult, route_note: str | None) -> str:
    """The one short line that says why this answer is worse than asked for, or "" when it is
    not: a cut says what broke it, a fallback which model failed, the route the budget."""
    if result.cut:
        return CUT_NOTE.format(why=result.note or "the model stopped responding")
    why = "; ".join(n for n in (route_note, result.note) if n)
    return DEGRADED_NOTE.format(why=why[:1].upper() + why[1:]) if why else ""


def model_messages(state: State) -> list[BaseMessage]:
    """System prompt with the reference material, then the trimmed conversation."""
    system = f"{state['system_prompt']}\n\n{format_references(state.get('passages', []))}"
    return [SystemMessage(content=system), *state["window"]]


def turn_record(result: GenerationResult, outcome: Any) -> TurnRecord:
    record: TurnRecord = {
        "model": result.model or "",
        "tier": result.tier,
        "input_tokens": result.input_tokens,
        "output_tokens": result.output_tokens,
        "ttft_ms": result.ttft_ms,
        "latency_ms": result.latency_ms,
        "cost_usd": result.cost_usd,
        "outcome": outcome,
        "attempts": list(result.attempts),
    }
    if result.note:
        record["note"] = result.note
    return record
