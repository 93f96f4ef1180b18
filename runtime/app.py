"""Everything a runtime needs, opened and closed together: settings, services, the conversation.

`open_app` is the one place that opens the checkpointer (SQLite on disk, or PostgreSQL at
DATABASE_URL, so restarts lose nothing), syncs the local knowledge base, probes the model
providers and wires the graph.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from community_bot.ledger import TurnLedger, open_ledger
from community_bot.legacy_env import log_report
from community_bot.models.gateway import discard_tokens
from community_bot.models.lifecycle import (
    LifecycleWarning,
    start_lifecycle_check,
    stop_lifecycle_check,
)
from community_bot.observability.telemetry import Telemetry, open_telemetry
from community_bot.settings import Settings
from community_bot.startup_lock import one_process_at_a_time
from community_bot.status import ModelStatus, ProviderState, StatusReport
from community_bot.storage_faults import check_data_dir, named
from community_bot.types import RETRIEVAL_ONLY, TIERS
from graph.builder import build_graph
from nodes.services import Services, build_services
from prompts.loader import instruction
from runtime.conversation import Conversation
from runtime.memory import open_memory

if TYPE_CHECKING:  # the source agents (croniter, YAML) load only for a long-running bot
    from community_bot.kb.agents import AgentScheduler

TITLE_WORDS = 6
log = logging.getLogger(__name__)


def _usable(model: str, why: str | None) -> bool:
    """A tier is usable when it resolves to a model and nothing but a pin (BACKEND_MODE, which
    the admin chose) changed it: a pin is a note, not an outage."""
    if model == RETRIEVAL_ONLY:
        return False
    reasons = [] if why is None else why.split("; ")
    return all(reason.startswith("BACKEND_MODE=") for reason in reasons)


class App:
    """The opened application; build it with `open_app`."""

    def __init__(
        self,
        settings: Settings,
        services: Services,
        conversation: Conversation,
        ledger: TurnLedger,
        telemetry: Telemetry,
        scheduler: AgentScheduler | None = None,
    ) -> None:
        self.settings = settings
        self.services = services
        self.conversation = conversation
        self.ledger = ledger
        self.telemetry = telemetry
        self.scheduler = scheduler
        self.started_at = datetime.now(UTC)
        # The background look-up of retiring models (models.lifecycle); None when not started.
        self.lifecycle_check: asyncio.Task[list[LifecycleWarning]] | None = None

    async def status(self) -> StatusReport:
        """Models per tier with availability, knowledge sources, uptime and today's spend."""
        models = self.services.models
        rows = []
        for tier in TIERS:
            _, why = models.effective_tier(tier)
            model = models.model_for(tier)
            rows.append(ModelStatus(tier, model, _usable(model, why), note=why or ""))
        describe = getattr(self.services.knowledge, "describe_sources", None)
        sources = list(describe()) if callable(describe) else []
        turns, cost = self.ledger.today()
        notes = []
        if self.scheduler is not None and (report := self.scheduler.last_report) is not None:
            notes = [f"last source sync: {line}" for line in report.lines()]
        return StatusReport(
            rows, sources, self.started_at, cost, turns, notes, provider_states(models)
        )

    async def record_feedback(
        self, *, thread_id: str, run_id: str | None, user_id: str, score: int
    ) -> None:
        """Store a 👍 (+1) / 👎 (-1) against a turn; LangSmith feedback too when tracing is on."""
        if run_id is None:
            return
        await self.telemetry.record_feedback(run_id, thread_id, user_id, score)

    def record_rate_limited(self) -> None:
        """Count a message refused by the per-user rate limit."""
        self.telemetry.rate_limited()

    async def short_title(self, question: str) -> str:
        """A short thread title written by the small model, or the question's first words."""
        from langchain_core.messages import HumanMessage, SystemMessage

        fallback = " ".join(question.split()[:TITLE_WORDS]) or "Question"
        prompt = [SystemMessage(content=instruction("title")), HumanMessage(content=question)]
        result = await self.services.models.generate("small", prompt, discard_tokens)
        title = result.text.strip().strip("\"'").splitlines()[0] if result.text.strip() else ""
        if result.model is None or result.cut or not title:
            return fallback[:100]
        return title[:100]


@asynccontextmanager
async def open_app(
    settings: Settings, services: Services | None = None, *, background: bool = True
) -> AsyncIterator[App]:
    """Open the checkpointer, knowledge base, models and telemetry; close them on exit.

    `background=False` skips what only a long-running bot needs, the METRICS_PORT endpoint and
    the source agents' scheduler: terminal commands pass it so they never collide with a running
    bot's port, nor wait at exit for a sync they started.
    """
    check_data_dir(settings.data_dir)
    data = settings.data_dir
    async with AsyncExitStack() as stack:
        # Shards sharing DATA_DIR create these files and sync the local index one at a time.
        async with one_process_at_a_time(settings.data_dir):
            with named(data / "model_spend.sqlite", "the model spend file"):
                services = services or build_services(settings)  # opens the spend meter's file
            prepare = getattr(services.knowledge, "prepare", None)
            if callable(prepare):
                with named(data, "the local knowledge index in"):
                    await prepare()
            # On DATABASE_URL: its schema is set up one process at a time across every host.
            memory = await open_memory(settings.memory, stack)
            with named(data / "turns.sqlite", "the turn ledger"):
                ledger = open_ledger(settings.memory)
            stack.callback(ledger.close)
        telemetry = await stack.enter_async_context(
            open_telemetry(
                settings.observability,
                ledger,
                default_profile=settings.prompt_profile,
                serve_metrics=background,
            )
        )
        log_report(settings.legacy, log)  # what became of the original bot's variables
        probe = getattr(services.models, "probe", None)
        if callable(probe):
            await probe()
        availability = getattr(services.models, "availability", None) or {}
        if (lifecycle := start_lifecycle_check(settings.models, availability)) is not None:
            stack.push_async_callback(stop_lifecycle_check, lifecycle)
        telemetry.metrics.watch_providers(lambda: provider_states(services.models))
        aclose = getattr(services.knowledge, "aclose", None)
        if callable(aclose):
            stack.push_async_callback(aclose)
        scheduler = await _start_source_agents(settings, services) if background else None
        if scheduler is not None:  # stops (letting a run finish) before the index closes
            stack.push_async_callback(scheduler.stop)
        graph = build_graph(memory.checkpointer, memory.store)
        conversation = Conversation(
            graph,
            services,
            memory.checkpointer,
            telemetry,
            locks=memory.locks,
            pending=memory.pending,
        )
        app = App(settings, services, conversation, ledger, telemetry, scheduler)
        app.lifecycle_check = lifecycle
        yield app


def provider_states(models: object) -> list[ProviderState]:
    """Each provider's circuit breaker as /status shows it (none for gateways without health)."""
    health = getattr(models, "provider_health", None)
    if not callable(health):
        return []
    return [ProviderState(v.provider, v.state, v.detail, v.retry_in_s) for v in health()]


async def _start_source_agents(settings: Settings, services: Services) -> AgentScheduler | None:
    """The source agents in the background (SOURCE_AGENTS_ENABLED), writing into the local index;
    a completed ingestion job refreshes the cached answers of that Bedrock knowledge base."""
    from community_bot.kb.agents import AgentScheduler
    from community_bot.kb.bedrock import mark_ingested

    sources = list(getattr(services.knowledge, "sources", []))
    return await AgentScheduler.start_in_background(
        settings.source_agents,
        getattr(services.knowledge, "local", None),
        on_ingested=lambda kb_id: mark_ingested(sources, kb_id),
        data_dir=settings.data_dir,
        knowledge_base_id=settings.ingestion_knowledge_base_id,
        aws_region=settings.aws_region,
        holds_shard_zero=settings.holds_shard_zero,
        shared_database=settings.database_url is not None,
    )
