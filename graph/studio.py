"""The graph as `langgraph dev` and LangGraph Studio load it (see `langgraph.json`).

The server supplies its own checkpointer, and nodes build their services from the environment
(`.env`), so Studio runs the same conversation the Discord bot and the terminal chat run.
"""

from graph.builder import build_graph

graph = build_graph()
