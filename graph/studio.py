"""The graph as `langgraph dev` and LangGraph Studio load it (see `langgraph.json`).

The server supplies its own checkpointer and store, and nodes build their services from the
environment (`.env`), so Studio runs the same conversation the Discord bot and the terminal chat
run. Its checkpoints also keep each turn's working values (prompt window, passages, system
prompt), so any step can be inspected and a run resumed or forked from it.
"""

from graph.builder import build_graph
from nodes.state import State

graph = build_graph(schema=State)
