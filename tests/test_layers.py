"""The packages import one way only, bottom to top; no package depends on itself through another.

    community_bot (library) → prompts → nodes → graph → discord_bot → runtime → bench

`discord_bot` is an adapter that knows the app only through its `Backend` protocol, so it sits
below `runtime`, which wires everything together (the conversation facade, the opened app, the
`community-bot` command). Tests may import anything; nothing imports tests but `bench` (its
emulators and doubles live in `tests/emulators`, one place for both).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("community_bot", "prompts", "nodes", "graph", "discord_bot", "runtime", "bench")
ALLOWED_EXTRA = {"bench": {"tests"}}


def imports_of(package: str) -> list[tuple[str, int, str]]:
    """(file, line, imported top-level package) for every absolute import in a package."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.append((str(path.relative_to(ROOT)), node.lineno, module.split(".")[0]))
    return found


def test_no_package_imports_a_layer_above_it() -> None:
    rank = {package: index for index, package in enumerate(LAYERS)}
    upward = [
        f"{file}:{line} ({package} → {imported})"
        for package in LAYERS
        for file, line, imported in imports_of(package)
        if imported in rank and rank[imported] > rank[package]
    ]
    assert upward == []


def test_only_bench_imports_the_tests() -> None:
    offenders = [
        f"{file}:{line}"
        for package in LAYERS
        for file, line, imported in imports_of(package)
        if imported == "tests" and "tests" not in ALLOWED_EXTRA.get(package, set())
    ]
    assert offenders == []


def test_the_package_graph_has_no_cycle() -> None:
    edges = {
        package: {imported for _, _, imported in imports_of(package) if imported in LAYERS}
        - {package}
        for package in LAYERS
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in edges[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [package for package in LAYERS if reaches(package, package, set())] == []


def test_feature_commands_are_imported_by_name_not_loaded_by_string() -> None:
    """`importlib` hid a loop between the top-level command and the features it loaded."""
    users = [
        file
        for package in LAYERS
        for file, _, imported in imports_of(package)
        if imported == "importlib" and file.endswith("cli.py")
    ]
    assert users == []
