"""The yardstick: the LangGraph documentation's "chatbot with memory", as written there.

`StateGraph(MessagesState)`, one async node that calls the chat model, `AsyncSqliteSaver` on a
file, default durability, and the caller streams the answer's tokens (`stream_mode="messages"`).
The model is the benchmarks' `InstantChatModel`, a real `BaseChatModel` that the product's
gateway also calls, so both pay LangChain's streaming alike and nothing else is shared.

`python -m bench.doc_chatbot DB QUESTION` runs one turn and prints the answer: the start-up
yardstick for `community-bot ask` (it imports nothing of the project).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from bench.chat_model import InstantChatModel

Chatbot = CompiledStateGraph[Any, Any, Any, Any]


@asynccontextmanager
async def doc_chatbot(path: Path, model: BaseChatModel) -> AsyncIterator[Chatbot]:
    """The documentation's graph, checkpointed to the SQLite file at `path`."""

    async def call_model(state: MessagesState) -> dict[str, Any]:
        response = await model.ainvoke(state["messages"])
        return {"messages": response}

    async with AsyncSqliteSaver.from_conn_string(str(path)) as checkpointer:
        builder = StateGraph(MessagesState)
        builder.add_node("call_model", call_model)
        builder.add_edge(START, "call_model")
        yield builder.compile(checkpointer=checkpointer)


async def chat_turn(graph: Chatbot, thread_id: str, text: str) -> str:
    """One turn as the documentation streams it: the model's tokens as they come."""
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    parts: list[str] = []
    async for message, _metadata in graph.astream(
        {"messages": [{"role": "user", "content": text}]}, config, stream_mode="messages"
    ):
        if isinstance(message, BaseMessage):
            parts.append(message.text)
    return "".join(parts)


async def _main(path: Path, question: str) -> None:
    async with doc_chatbot(path, InstantChatModel()) as graph:
        print(await chat_turn(graph, "1", question))


if __name__ == "__main__":
    asyncio.run(_main(Path(sys.argv[1]), sys.argv[2]))
