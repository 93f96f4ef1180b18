"""Run agents: collect, hand the documents to the local index and the S3 bucket, then ingest.

Each agent runs in a worker thread (collectors block on files, processes and SQLite) and in
isolation: a failure is reported with the agent's id and leaves its earlier documents in place,
and the next agent runs regardless. One ingestion job follows a run that changed the bucket.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from community_bot.errors import ConfigError
from community_bot.kb.agents.collected import Collected, CollectError
from community_bot.kb.agents.config import AgentConfig, FolderAgent, ScriptAgent, load_agents
from community_bot.kb.agents.folder import collect_folder
from community_bot.kb.agents.ingestion import Ingestion
from community_bot.kb.agents.reports import AgentReport, SyncReport
from community_bot.kb.agents.s3_mirror import S3Mirror
from community_bot.kb.agents.script import collect_script
from community_bot.kb.agents.sql import collect_sql
from community_bot.kb.documents import Document
from community_bot.kb.sources import DocumentSink
from community_bot.models.providers import classify
from community_bot.settings import SourceAgentSettings

log = logging.getLogger(__name__)

INGESTION_DUE_MARKER = "source-agents.ingestion-due"  # under DATA_DIR
AGENT_PREFIX = "agent:"

OnIngested = Callable[[str], None]  # called with the knowledge base id after a COMPLETE job


def collect(agent: AgentConfig) -> Collected:
    if isinstance(agent, FolderAgent):
        return collect_folder(agent)
    if isinstance(agent, ScriptAgent):
        return collect_script(agent)
    return collect_sql(agent)


class AgentRunner:
    def __init__(
        self,
        sink: DocumentSink | None,
        mirror: S3Mirror | None = None,
        ingestion: Ingestion | None = None,
        on_ingested: OnIngested | None = None,
        due_marker: Path | None = None,
    ) -> None:
        self._sink = sink
        self._mirror = mirror
        self._ingestion = ingestion
        self._on_ingested = on_ingested
        # Exists while S3 changed but no ingestion job completed since: a failed or refused job
        # is retried by the next run, even one in another process (`kb sync --once` again).
        self._due_marker = due_marker
        self._due = due_marker is not None and due_marker.exists()

    @classmethod
    def from_settings(
        cls,
        agents: SourceAgentSettings,
        sink: DocumentSink | None,
        on_ingested: OnIngested | None = None,
        *,
        data_dir: Path,
        knowledge_base_id: str | None,
        aws_region: str | None,
    ) -> AgentRunner:
        """Sink only when SOURCE_AGENTS_LOCAL_INDEX; S3 and ingestion when configured. DATA_DIR
        keeps the ingestion-due marker; `knowledge_base_id` and `aws_region` go to `Ingestion`."""
        return cls(
            sink if agents.source_agents_local_index else None,
            S3Mirror.from_settings(agents),
            Ingestion.from_settings(
                agents, knowledge_base_id=knowledge_base_id, aws_region=aws_region
            ),
            on_ingested,
            data_dir / INGESTION_DUE_MARKER,
        )

    async def run(self, agents: Sequence[AgentConfig]) -> SyncReport:
        reports = [await asyncio.to_thread(self._run_one, agent) for agent in agents]
        if any(r.mirror is not None and r.mirror.changed for r in reports):
            self._mark_due(True)
        outcome = None
        if self._ingestion is not None and self._due:
            outcome = await self._ingestion.run()
            (log.info if outcome.ok else log.error)("source agents: %s", outcome.summary())
            if outcome.ok:
                self._mark_due(False)
                if self._on_ingested is not None:
                    self._on_ingested(outcome.knowledge_base_id)
        return SyncReport(reports, outcome)

    def _mark_due(self, due: bool) -> None:
        self._due = due
        if self._due_marker is None:
            return
        if due:
            self._due_marker.parent.mkdir(parents=True, exist_ok=True)
            self._due_marker.touch()
        else:
            self._due_marker.unlink(missing_ok=True)

    def _run_one(self, agent: AgentConfig) -> AgentReport:
        started = time.perf_counter()
        report = replace(self._collect_and_store(agent), duration_s=time.perf_counter() - started)
        (log.info if report.ok else log.error)("source agent %s", report.summary())
        return report

    def _collect_and_store(self, agent: AgentConfig) -> AgentReport:
        """Collect, then hand over to the local index and S3; a failed step is named, and a
        failed collection touches nothing, so the agent's earlier documents stay."""
        try:
            collected = collect(agent)
        except Exception as exc:
            return AgentReport(agent.id, agent.kind, error=_reason(agent, exc))
        documents, duplicates = _unique(collected.documents)
        report = AgentReport(
            agent.id, agent.kind, len(documents), skipped=collected.skipped + duplicates
        )
        step = "local index"
        try:
            if self._sink is not None:
                index = self._sink.replace_documents(sink_source_id(agent.id), documents)
                report = replace(report, index=index)
            step = "S3"
            if self._mirror is not None:
                report = replace(report, mirror=self._mirror.mirror(agent.id, documents))
        except Exception as exc:
            return replace(report, error=f"{step}: {_reason(agent, exc)}")
        return report


def _reason(agent: AgentConfig, exc: Exception) -> str:
    """A collector's own words, or a short name for anything else (the traceback at DEBUG)."""
    if isinstance(exc, CollectError):
        return str(exc)
    log.debug("source agent %r failed", agent.id, exc_info=True)
    return classify(exc).reason


def sink_source_id(agent_id: str) -> str:
    """The agent's source in the local index: `agent:<id>`, beside the folders' `folder:<path>`."""
    return f"{AGENT_PREFIX}{agent_id}"


def _unique(documents: list[Document]) -> tuple[list[Document], list[str]]:
    """The first document of each id; later ones are reported as skipped."""
    seen: dict[str, Document] = {}
    duplicates = []
    for document in documents:
        if document.id in seen:
            duplicates.append(f"{document.id}: duplicate id")
        else:
            seen[document.id] = document
    return list(seen.values()), duplicates


def select_agents(settings: SourceAgentSettings, agent_id: str | None = None) -> list[AgentConfig]:
    """The enabled agents of SOURCE_AGENTS_CONFIG, or just the one named."""
    agents = load_agents(settings.source_agents_config)
    if agent_id is None:
        return agents
    chosen = [agent for agent in agents if agent.id == agent_id]
    if not chosen:
        known = ", ".join(agent.id for agent in agents) or "none"
        raise ConfigError(
            [f"no enabled agent {agent_id!r} in {settings.source_agents_config} (known: {known})"]
        )
    return chosen


async def sync_once(
    settings: SourceAgentSettings,
    sink: DocumentSink | None,
    agent_id: str | None = None,
    on_ingested: OnIngested | None = None,
    *,
    data_dir: Path,
    knowledge_base_id: str | None,
    aws_region: str | None,
) -> SyncReport:
    """Run every enabled agent (or one) once, now; the report says what each did. The keyword
    values are `AgentRunner.from_settings`'s."""
    agents = select_agents(settings, agent_id)
    runner = AgentRunner.from_settings(
        settings,
        sink,
        on_ingested,
        data_dir=data_dir,
        knowledge_base_id=knowledge_base_id,
        aws_region=aws_region,
    )
    return await runner.run(agents)
