"""Node: cut the answer into Discord-sized messages and list the sources it cites."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from community_bot.text.splitting import split_reply as split_text
from nodes.context import Context, services_of
from nodes.history import text_of
from nodes.state import State
from prompts.references import citations_for


async def split_reply(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    prompts = services_of(runtime).prompts
    answer = text_of(state["messages"][-1])
    return {
        "reply_chunks": split_text(answer, prompts.max_response_chars),
        "citations": citations_for(answer, state.get("passages", [])),
    }
