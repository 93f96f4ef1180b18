"""The whole conversation on one screen: nodes, edges, the routing conditions, the checkpointer.

    START ─┬─ assemble_prompt ─┬─ route ─┬─ generate ─┬─ split_reply ─┬─ summarize_memory → END
           └─ retrieve ────────┘         │            │               └─ END
                                         └────────────┴─ answer_from_docs → split_reply

`assemble_prompt` and `retrieve` both start from the question and neither reads what the other
writes, so they run side by side in the turn's first step, and `route` waits for both. `route`
chooses a tier; when no model is usable it goes straight to `answer_from_docs`, and so does
`generate` when every model of the fallback chain failed. `split_reply` goes on to
`summarize_memory` when enough messages have left the prompt window. All three route with a
`Command`; their `destinations` below are the edges Studio draws (a test checks the drawing
against this file).

Nodes are `async def`, even those that never await: LangGraph runs a plain function on a worker
thread, and that hop costs more than these functions themselves (`python -m bench --only graph`).
Each step of the graph costs LangGraph's step machinery too (`python -m bench --only yardstick`):
hence the shared first step, and `Command`s rather than conditional edges, which read the whole
state again. Blocking start-up work that Studio needs (building the services from the
environment, reading a prompt profile the first time) goes to a worker thread explicitly, once.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from langgraph.types import Checkpointer

from nodes.answer_from_docs import answer_from_docs
from nodes.assemble_prompt import assemble_prompt
from nodes.context import Context
from nodes.generate import generate
from nodes.retrieve import retrieve
from nodes.route import route
from nodes.split_reply import split_reply
from nodes.state import BotState, InputState, OutputState, State
from nodes.summarize_memory import summarize_memory

Graph = CompiledStateGraph[State, Context, InputState, OutputState]


def build_graph(
    checkpointer: Checkpointer = None,
    store: BaseStore | None = None,
    *,
    schema: type[State] = BotState,
) -> Graph:
    """Compile the conversation graph; pass a checkpointer for per-channel memory and a store
    for the transcripts of messages the summary absorbed. The bot's `BotState` leaves the turn's
    working values (window, passages, system prompt) out of the checkpoint; Studio passes `State`,
    which keeps them, so any step can be inspected and resumed."""
    builder = StateGraph(
        schema,
        context_schema=Context,
        input_schema=InputState,
        output_schema=OutputState,
    )
    builder.add_node("assemble_prompt", assemble_prompt)
    builder.add_node("retrieve", retrieve)
    builder.add_node("route", route, destinations=("generate", "answer_from_docs"))
    builder.add_node("generate", generate, destinations=("split_reply", "answer_from_docs"))
    builder.add_node("answer_from_docs", answer_from_docs)
    builder.add_node("split_reply", split_reply, destinations=("summarize_memory", END))
    builder.add_node("summarize_memory", summarize_memory)

    builder.add_edge(START, "assemble_prompt")
    builder.add_edge(START, "retrieve")
    builder.add_edge("assemble_prompt", "route")
    builder.add_edge("retrieve", "route")
    builder.add_edge("answer_from_docs", "split_reply")
    builder.add_edge("summarize_memory", END)
    return builder.compile(checkpointer=checkpointer, store=store, name="community-bot")
