"""Node: choose the prompt profile and cut the history down to what the model will see.

The state keeps the live conversation; the prompt gets only the newest messages that fit both
MEMORY_MAX_MESSAGES and the MEMORY_MAX_TOKENS budget, starting on a human message (Converse
rejects a conversation that opens with the assistant). Each human message is shown with its
speaker's name, because several people talk in one channel.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.utils import count_tokens_approximately, trim_messages
from langgraph.runtime import Runtime

from community_bot.turns import with_reply_context
from nodes.context import Context, opened_services
from nodes.history import quoted_of, speaker_of, text_of
from nodes.state import State


async def assemble_prompt(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    services = await opened_services(runtime)
    profile = await services.aprofile(runtime.context.profile if runtime.context else None)
    window = trim_history(
        state["messages"], services.memory.memory_max_messages, services.memory.memory_max_tokens
    )
    window = [_with_speaker(m) for m in window]
    system = profile.system_text()
    if profile.user_primer:
        if services.prompts.prompt_user_role == "system":
            system = f"{system}\n\n{profile.user_primer}"
        else:
            window = _prefix_first_human(window, profile.user_primer)
    if summary := state.get("summary"):
        system = f"{system}\n\n## Earlier in this conversation\n{summary}"
    return {"system_prompt": system, "window": window}


def trim_history(
    messages: Sequence[AnyMessage], max_messages: int, max_tokens: int
) -> list[AnyMessage]:
    """The newest messages within both limits; the newest message is always kept."""
    recent = list(messages[-max_messages:])
    trimmed = cast(
        list[AnyMessage],
        trim_messages(
            recent,
            max_tokens=max_tokens,
            token_counter=_count_tokens,
            strategy="last",
            start_on="human",
            allow_partial=False,
        ),
    )
    trimmed = [m for m in trimmed if not isinstance(m, SystemMessage)]
    return trimmed or recent[-1:]


def _count_tokens(messages: list[BaseMessage]) -> int:
    """`count_tokens_approximately`, with its signature worked out once: `trim_messages` reads
    the counter's signature on every call (to see whether it counts one message or a list), and
    working it out cost 25 µs, more than counting a window of messages."""
    return count_tokens_approximately(messages)


_count_tokens.__signature__ = inspect.signature(_count_tokens)  # type: ignore[attr-defined]


def _with_speaker(message: AnyMessage) -> AnyMessage:
    speaker = speaker_of(message)
    if not isinstance(message, HumanMessage) or not speaker:
        return message
    text = text_of(message)
    if quoted := quoted_of(message):  # a Discord reply: what it answers is part of the question
        name, said = quoted
        text = with_reply_context(text, name, said)
    # A copy, not a new message: the prompt is rebuilt every turn, and validation is the
    # larger part of constructing a message.
    return message.model_copy(update={"content": f"{speaker}: {text}"})


def _prefix_first_human(window: list[AnyMessage], primer: str) -> list[AnyMessage]:
    for index, message in enumerate(window):
        if isinstance(message, HumanMessage):
            primed = HumanMessage(content=f"{primer}\n\n---\n\n{text_of(message)}", id=message.id)
            return [*window[:index], primed, *window[index + 1 :]]
    return window
