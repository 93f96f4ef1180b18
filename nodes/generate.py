"""Node: answer with the routed tier's model, streaming tokens as they arrive.

The gateway walks the fallback chain (large → medium → small). If no model answers, this node adds
no message and sends the turn on to `answer_from_docs`, the last step of every chain. A stream
that breaks after tokens were sent keeps them and says, in one line, why the answer was cut; a
fallback to a smaller model, or a route over budget, says so the same way. A cheaper tier's answer
that shows it is out of its depth gets one second chance a tier up (`models.second_chance`).
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langgraph.runtime import Runtime
from langgraph.types import Command

from community_bot.models.gateway import GenerationResult
from community_bot.models.second_chance import retry_higher
from community_bot.types import TurnRecord
from nodes.context import Context, services_of
from nodes.state import State
from nodes.token_batch import TokenBatcher
from prompts.references import format_references

CUT_NOTE = "\n\n*(The answer was cut off: {why}. Ask again for the rest.)*"
DEGRADED_NOTE = "\n\n*({why}.)*"


async def generate(
    state: State, runtime: Runtime[Context]
) -> Command[Literal["split_reply", "answer_from_docs"]]:
    services = services_of(runtime)
    write = runtime.stream_writer
    messages = model_messages(state)
    batch = TokenBatcher(lambda text: write({"token": text}))  # see token_batch: CPU per token
    try:
        result = await services.models.generate(state["route"]["tier"], messages, batch)
        retrieval = state.get("retrieval")
        kb_hit = bool(retrieval and retrieval["hit"])
        second = await retry_higher(services.models, result, messages, batch, kb_hit=kb_hit)
    finally:
        batch.close()
    route = state["route"]
    if second is not None:
        result, why = second
        tier = result.tier or route["tier"]
        route = {"tier": tier, "model": result.model or "", "reason": f"{route['reason']}; {why}"}
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
    turn = turn_record(result, outcome)
    if second is not None:
        turn["second_chance"] = second[1]
    return Command(update={"messages": [answer], "turn": turn, "route": route}, goto="split_reply")


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
