"""Source agents: collectors that keep the knowledge base current (folders, scripts, SQL).

Declared in SOURCE_AGENTS_CONFIG; each run replaces the agent's documents in the local index and,
when configured, mirrors them to the Bedrock knowledge base's S3 bucket and ingests them.

The names below load on first use (PEP 562): the configuration needs YAML and croniter, which a
one-shot command such as `community-bot ask` or `kb sync --help` never uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from community_bot.kb.agents.config import AgentConfig, load_agents
    from community_bot.kb.agents.ingestion import IngestionOutcome
    from community_bot.kb.agents.reports import AgentReport, SyncReport
    from community_bot.kb.agents.runner import AgentRunner, sync_once
    from community_bot.kb.agents.scheduler import AgentScheduler

_HOMES = {
    "AgentConfig": "config",
    "load_agents": "config",
    "IngestionOutcome": "ingestion",
    "AgentReport": "reports",
    "SyncReport": "reports",
    "AgentRunner": "runner",
    "sync_once": "runner",
    "AgentScheduler": "scheduler",
}

__all__ = [
    "AgentConfig",
    "AgentReport",
    "AgentRunner",
    "AgentScheduler",
    "IngestionOutcome",
    "SyncReport",
    "load_agents",
    "sync_once",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
