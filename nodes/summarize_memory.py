"""Node: fold messages that fell out of the prompt window into a running summary.

Runs after the reply is ready, so it never delays an answer's first token, and only when enough
unsummarised messages piled up. With a model it asks the small tier; without one (or if it fails)
it keeps an extractive digest, so long conversations stay bounded either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AnyMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from community_bot.settings import Settings
from graph.context import Context, services_of
from graph.state import State
from nodes.history import speaker_of, text_of
from prompts.loader import instruction

SUMMARY_BATCH = 10  # summarise once this many messages have left the window
DIGEST_LINE_CHARS = 160
DIGEST_MAX_LINES = 24


def summary_due(state: State, settings: Settings) -> bool:
    """True when at least SUMMARY_BATCH messages are outside the window and not yet summarised."""
    return _window_start(state) - state.get("summarized_until", 0) >= SUMMARY_BATCH


async def summarize_memory(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    services = services_of(runtime)
    start, end = state.get("summarized_until", 0), _window_start(state)
    older = state["messages"][start:end]
    previous = state.get("summary", "")
    transcript = render_transcript(older)
    prompt = [
        SystemMessage(content=instruction("summary")),
        HumanMessage(content=f"Previous summary:\n{previous or '(none)'}\n\n{transcript}"),
    ]
    result = await services.models.generate("small", prompt, lambda _token: None)
    if result.model is not None and result.text.strip() and not result.cut:
        summary = result.text.strip()
    else:
        summary = digest(previous, older)
    return {"summary": summary, "summarized_until": end}


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
