"""Node: cut the answer into Discord-sized messages and list the sources it cites; then, once
enough messages have left the prompt window, go on to `summarize_memory` (after the reply, so
the summary never delays it)."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from community_bot.text.splitting import split_reply as split_text
from nodes.context import Context, services_of
from nodes.history import text_of
from nodes.state import State
from nodes.summarize_memory import summary_due
from prompts.references import citations_for


async def split_reply(
    state: State, runtime: Runtime[Context]
) -> Command[Literal["summarize_memory", "__end__"]]:
    prompts = services_of(runtime).prompts
    answer = text_of(state["messages"][-1])
    reply = {
        "reply_chunks": split_text(answer, prompts.max_response_chars),
        "citations": citations_for(answer, state.get("passages", [])),
    }
    # "__end__" is LangGraph's END, spelled out so the type names the edge.
    return Command(update=reply, goto="summarize_memory" if summary_due(state) else "__end__")
