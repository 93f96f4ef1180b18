"""Source agents: collectors that keep the knowledge base current (folders, scripts, SQL).

Declared in SOURCE_AGENTS_CONFIG; each run replaces the agent's documents in the local index and,
when configured, mirrors them to the Bedrock knowledge base's S3 bucket and ingests them.
"""

from community_bot.kb.agents.config import AgentConfig, load_agents
from community_bot.kb.agents.ingestion import IngestionOutcome
from community_bot.kb.agents.reports import AgentReport, SyncReport
from community_bot.kb.agents.runner import AgentRunner, sync_once
from community_bot.kb.agents.scheduler import AgentScheduler

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
