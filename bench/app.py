"""The real application (graph, SQLite checkpointer, ledger, router) around benchmark doubles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from community_bot.models.gateway import ModelGateway
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
    data_dir: Path, models: ModelGateway, knowledge: KnowledgeSearch, **overrides: Any
) -> AsyncIterator[App]:
    """`open_app` exactly as the runtimes call it, with the model and knowledge base given."""
    settings = bench_settings(data_dir, **overrides)
    async with open_app(settings, Services(settings, knowledge, models, decide)) as app:
        yield app
