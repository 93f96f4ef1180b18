"""The real application (graph, SQLite checkpointer, ledger, router, model gateway) around an
instant chat model and a given knowledge base."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bench.doubles import BenchGateway, InstantChatModel
from community_bot.routing import decide
from community_bot.settings import Settings
from community_bot.turns import Author
from nodes.services import KnowledgeSearch, Services
from runtime.app import App, open_app

MEMBER = Author(id="bench-member", name="member")


def bench_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Default settings (nothing from `.env`) with everything stored under `data_dir`."""
    return Settings(data_dir=data_dir, _env_file=None, **overrides)


@asynccontextmanager
async def bench_app(
    data_dir: Path, model: InstantChatModel, knowledge: KnowledgeSearch, **overrides: Any
) -> AsyncIterator[App]:
    """`open_app` exactly as the runtimes call it, with the chat model (behind the product's own
    gateway) and the knowledge base given."""
    # The default small tier is `ollama`, which has no model until OLLAMA_MODEL names one: without
    # it short questions and every running summary would skip the model.
    settings = bench_settings(data_dir, **({"ollama_model": "bench-small"} | overrides))
    gateway = BenchGateway(settings.models, settings.memory, model)
    async with open_app(
        settings, Services(settings.memory, settings.prompts, knowledge, gateway, decide)
    ) as app:
        yield app
