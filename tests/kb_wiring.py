"""The knowledge base and the source agents wired from a whole `Settings`, as `build_services`,
`open_app` and the `kb` commands wire them: each test's settings reach the library as their
groups plus the few values from other groups (DATA_DIR, AWS_REGION, OLLAMA_BASE_URL, the ingestion
knowledge base, shard 0, DATABASE_URL)."""

from __future__ import annotations

from community_bot.kb.agents.cli import settings_local_index
from community_bot.kb.agents.reports import SyncReport
from community_bot.kb.agents.runner import OnIngested, sync_once
from community_bot.kb.agents.scheduler import AgentScheduler
from community_bot.kb.index import LocalIndex
from community_bot.kb.knowledge import Knowledge
from community_bot.kb.sources import DocumentSink
from community_bot.settings import Settings


def knowledge_from(settings: Settings) -> Knowledge:
    return Knowledge.from_settings(
        settings.knowledge,
        data_dir=settings.data_dir,
        aws_region=settings.aws_region,
        ollama_base_url=settings.ollama_base_url,
    )


def local_index_from(settings: Settings) -> LocalIndex:
    return settings_local_index(settings)  # as the `kb` commands wire it


async def sync_once_from(
    settings: Settings,
    sink: DocumentSink | None,
    agent_id: str | None = None,
    on_ingested: OnIngested | None = None,
) -> SyncReport:
    """`kb sync --once`."""
    return await sync_once(
        settings.source_agents,
        sink,
        agent_id,
        on_ingested,
        data_dir=settings.data_dir,
        knowledge_base_id=settings.ingestion_knowledge_base_id,
        aws_region=settings.aws_region,
    )


async def agents_in_background(
    settings: Settings, sink: DocumentSink | None
) -> AgentScheduler | None:
    """The bot's background sync, as `open_app` starts it."""
    return await AgentScheduler.start_in_background(
        settings.source_agents,
        sink,
        data_dir=settings.data_dir,
        knowledge_base_id=settings.ingestion_knowledge_base_id,
        aws_region=settings.aws_region,
        holds_shard_zero=settings.holds_shard_zero,
        shared_database=settings.database_url is not None,
    )
