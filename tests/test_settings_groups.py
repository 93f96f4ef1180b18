"""A module receives the settings group it needs, not the whole `Settings`.

`Settings` composes eight typed groups (`settings.discord`, `settings.models`, `settings.memory`,
…). Only the modules that compose everything may hold all of it: the commands and entry points
that load it, `open_app` and the backends that wire a runtime, the benchmarks that build a whole
app. Everything else takes a group (`ModelSettings`, `MemorySettings`, …) or plain values, so its
signature says which variables can change its behaviour. Holding the whole object means importing
the `Settings` class or `load_settings`, or the module itself; an AST walk finds every such import.
"""

from __future__ import annotations

import ast

from tests.test_layers import LAYERS, ROOT

SETTINGS_MODULE = "community_bot.settings"
WHOLE = {"Settings", "load_settings"}

# Modules that compose every group, and why they need all of it.
WIRING = {
    "runtime/app.py": "open_app: memory, services, telemetry, source agents",
    "runtime/backends.py": "opens the backend BACKEND_MODE names, each with its groups",
    "runtime/discord_run.py": "`run`: the Discord adapter beside a backend",
    "runtime/agentcore_server.py": "`agentcore serve`: opens the app on the first invocation",
    "runtime/agentcore_entrypoint.py": "the AgentCore container's entry point loads the settings",
    "runtime/benchmark/live.py": "the live benchmark opens the real app",
    "runtime/cli.py": "the `community-bot` command loads the settings for every handler",
    "runtime/config_cli.py": "`config show` lists every setting",
    "runtime/discord_cli.py": "`run` takes settings on its command line",
    "runtime/agentcore_cli.py": "a command handler",
    "runtime/benchmark/cli.py": "a command handler",
    "community_bot/observability/stats_cli.py": "a command handler (reads the memory group)",
    "community_bot/routing/cli.py": "a command handler (reads the models and memory groups)",
    "community_bot/kb/cli.py": "a command handler",
    "community_bot/kb/agents/cli.py": "a command handler",
    "nodes/services.py": "build_services: the knowledge base, gateway and router",
    "nodes/context.py": "LangGraph Studio's services, built from the environment",
    "bench/app.py": "benchmarks build whole apps from default settings",
    "bench/discord_crowd.py": "benchmarks build whole apps from default settings",
    "bench/discord_path.py": "benchmarks build whole apps from default settings",
    "bench/observability_overhead.py": "benchmarks build whole apps from default settings",
    "bench/retrieval.py": "builds the knowledge base from default settings",
    "bench/source_agents.py": "a knowledge source from the settings the emulator's variables give",
}


def holds_whole_settings(source: str) -> bool:
    """Whether a module's source imports the whole `Settings`, `load_settings` or the module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == SETTINGS_MODULE:
            wanted, names = WHOLE, {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            wanted, names = {SETTINGS_MODULE}, {alias.name for alias in node.names}
        else:
            continue
        if wanted & names:
            return True
    return False


def whole_settings_users() -> set[str]:
    """Every module of the packages that holds the whole `Settings`."""
    return {
        path.relative_to(ROOT).as_posix()
        for package in LAYERS
        for path in sorted((ROOT / package).rglob("*.py"))
        if holds_whole_settings(path.read_text(encoding="utf-8"))
    } - {"community_bot/settings.py"}


def test_only_the_wiring_holds_the_whole_settings() -> None:
    """A new module takes `settings.<group>`; one that needs every group belongs in WIRING."""
    assert sorted(whole_settings_users() - WIRING.keys()) == []


def test_the_allow_list_names_only_modules_that_still_hold_it() -> None:
    """A module that stops holding it leaves the list, so the list never hides a new user."""
    assert sorted(WIRING.keys() - whole_settings_users()) == []


def test_every_form_of_holding_the_whole_settings_is_seen() -> None:
    seen = [
        "from community_bot.settings import Settings",
        "from community_bot.settings import DISCORD_MESSAGE_LIMIT, load_settings",
        "import community_bot.settings",
        "import typing\nif typing.TYPE_CHECKING:\n    from community_bot.settings import Settings",
    ]
    not_seen = [
        "from community_bot.settings import MemorySettings, ModelSettings",
        "from community_bot.settings import render_env_example",
        "from pydantic_settings import BaseSettings",
    ]
    assert [holds_whole_settings(source) for source in seen] == [True] * len(seen)
    assert [holds_whole_settings(source) for source in not_seen] == [False] * len(not_seen)
