"""Node: fold messages that fell out of the prompt window into a running summary.

Runs after the reply is ready, so it never delays an answer's first token, and only when enough
messages piled up outside the window. With a model it asks the small tier; without one (or if it
fails) it keeps an extractive digest, so long conversations stay bounded either way.

The folded messages then leave the checkpoint for the thread's transcript in the LangGraph store
(`community_bot.transcripts`): the checkpoint is read and written whole every turn, and keeping
every message there made turn 1,000 of a channel take 40 ms instead of 3. Without a store (a
graph compiled without one) they stay in the checkpoint, as nothing may be lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AnyMessage, HumanMessage, RemoveMessage, SystemMessage
from langgraph.runtime import Runtime

from community_bot import transcripts
from community_bot.models.gateway import discard_tokens
from nodes.context import Context, services_of
from nodes.history import speaker_of, text_of
from nodes.state import State
from prompts.loader import instruction

SUMMARY_BATCH = 10  # summarise once this many messages have left the window
DIGEST_LINE_CHARS = 160
DIGEST_MAX_LINES = 24


def summary_due(state: State) -> bool:
    """True when at least SUMMARY_BATCH messages are outside the window and not yet summarised
    (never without this turn's window, which says where the window starts)."""
    if "window" not in state:
        return False
    return _window_start(state) - state.get("summarized_until", 0) >= SUMMARY_BATCH


async def summarize_memory(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    start, end = state.get("summarized_until", 0), _window_start(state)
    summary = await _fold(state.get("summary", ""), state["messages"][start:end], runtime)
    thread_id = runtime.execution_info.thread_id if runtime.execution_info else None
    if runtime.store is None or thread_id is None:
        return {"summary": summary, "summarized_until": end}
    # Messages before `summarized_until` come from checkpoints written before the transcript
    # existed: already in the summary, they move to the transcript without being folded again.
    leaving = state["messages"][:end]
    archived = state.get("archived", 0)
    await transcripts.archive(runtime.store, thread_id, archived, leaving)
    return {
        "summary": summary,
        "summarized_until": 0,
        "archived": archived + len(leaving),
        "messages": [RemoveMessage(id=str(m.id)) for m in leaving],  # add_messages gave ids
    }


async def _fold(previous: str, older: list[AnyMessage], runtime: Runtime[Context]) -> str:
    """The previous summary with `older` folded in, by the small model or as a digest."""
    services = services_of(runtime)
    transcript = render_transcript(older)
    prompt = [
        SystemMessage(content=instruction("summary")),
        HumanMessage(content=f"Previous summary:\n{previous or '(none)'}\n\n{transcript}"),
    ]
    result = await services.models.generate("small", prompt, discard_tokens)
    if result.model is not None and result.text.strip() and not result.cut:
        return result.text.strip()
    return digest(previous, older)


def render_transcript(messages: Sequence[AnyMessage]) -> str:
    lines = []
    for message in messages:
        who = speaker_of(message) or ("assistant" if message.type == "ai" else "user")
        lines.append(f"{who}: {text_of(message)}")
    return "\n".join(lines)


def digest(previous: str, messages: Sequence[AnyMessage]) -> str:
    """Model-free summary: the first line of each message, newest kept when it grows."""
    lines = [line for line in previous.splitlines() if line.strip()]
    for message in messages:
        who = speaker_of(message) or ("bot" if message.type == "ai" else "user")
        first = text_of(message).strip().splitlines()[0] if text_of(message).strip() else ""
        lines.append(f"- {who}: {first[:DIGEST_LINE_CHARS]}")
    return "\n".join(lines[-DIGEST_MAX_LINES:])


def _window_start(state: State) -> int:
    return max(0, len(state["messages"]) - len(state.get("window", [])) - 1)
