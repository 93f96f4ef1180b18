"""Where turns run (`run`, `chat`, `ask`): this process's graph, AgentCore Runtime, or a
LangGraph server (BACKEND_MODE). Each opens something satisfying `discord_bot.backend.Backend`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from community_bot.settings import Settings

if TYPE_CHECKING:  # `ask` and `chat` need no discord.py (importing the adapter loads it)
    from discord_bot.backend import Backend

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_backend(settings: Settings, *, background: bool = True) -> AsyncIterator[Backend]:
    """The backend BACKEND_MODE names, opened for the block (`background`: see `open_app`)."""
    if settings.backend_mode == "agentcore":  # only with AGENTCORE_RUNTIME_ARN (see settings)
        from runtime.agentcore_client import open_agentcore_backend

        log.info("each turn runs on AgentCore Runtime %s", settings.agentcore_runtime_arn)
        async with open_agentcore_backend(settings.models, settings.memory) as backend:
            yield backend
        return
    if settings.backend_mode == "remote":
        from runtime.remote_graph import open_remote_backend

        log.info("each turn runs on the LangGraph server at %s", settings.langgraph_url)
        async with open_remote_backend(settings.models, settings.memory) as remote:
            yield remote
        return
    from runtime.app import open_app

    async with open_app(settings, background=background) as app:
        yield app
