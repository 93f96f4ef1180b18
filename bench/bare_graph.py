"""The yardstick: a one-node LangGraph graph on LangGraph's own SQLite checkpointer.

Its turn time is what LangGraph and its stock checkpointer cost by themselves; the graph benchmark
divides the product's turn by it, a ratio that stays meaningful on a busy or slow machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph

from bench.doubles import ANSWER


class BareState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


@asynccontextmanager
async def bare_graph(
    path: Path, model_latency_s: float = 0.0
) -> AsyncIterator[CompiledStateGraph[Any, Any, Any, Any]]:
    """START → reply → END, checkpointed to a SQLite file at `path`; `reply` answers after
    `model_latency_s` (an asyncio sleep, like a model call)."""

    async def reply(state: BareState) -> dict[str, Any]:
        if model_latency_s:
            await asyncio.sleep(model_latency_s)
        return {"messages": [AIMessage(content=ANSWER)]}

    async with AsyncSqliteSaver.from_conn_string(str(path)) as checkpointer:
        builder = StateGraph(BareState)
        builder.add_node("reply", reply)
        builder.add_edge(START, "reply")
        builder.add_edge("reply", END)
        yield builder.compile(checkpointer=checkpointer)
