"""`graph/builder.py` alone shows every node and edge: Studio draws exactly what it declares."""

from __future__ import annotations

import ast
from pathlib import Path

from graph.builder import build_graph

BUILDER = Path(__file__).resolve().parents[2] / "graph" / "builder.py"
NAMES = {"START": "__start__", "END": "__end__"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.Name), ast.dump(node)
    return NAMES[node.id]


def declared_edges() -> set[tuple[str, str]]:
    """Edges as written in builder.py: add_edge, add_node(destinations=…), conditional edges."""
    edges: set[tuple[str, str]] = set()
    for call in ast.walk(ast.parse(BUILDER.read_text(encoding="utf-8"))):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        method = call.func.attr
        if method == "add_edge":
            edges.add((_name(call.args[0]), _name(call.args[1])))
        elif method == "add_node":
            for keyword in call.keywords:
                if keyword.arg == "destinations":
                    assert isinstance(keyword.value, ast.Tuple)
                    edges |= {(_name(call.args[0]), _name(t)) for t in keyword.value.elts}
        elif method == "add_conditional_edges":
            targets = call.args[2]
            assert isinstance(targets, ast.List)
            edges |= {(_name(call.args[0]), _name(t)) for t in targets.elts}
    return edges


def test_studio_draws_exactly_the_edges_builder_py_declares() -> None:
    drawn = {(edge.source, edge.target) for edge in build_graph().get_graph().edges}
    assert drawn == declared_edges()


def test_every_route_out_of_route_and_generate_is_declared_in_builder_py() -> None:
    edges = declared_edges()
    assert {target for source, target in edges if source == "route"} == {
        "generate",
        "answer_from_docs",
    }
    assert {target for source, target in edges if source == "generate"} == {
        "split_reply",
        "answer_from_docs",
    }
