"""Run the source agents in the background of the bot (or of `kb sync`) on their schedules.

One asyncio task: optionally everything at start, then whichever agents are due, sleeping in
between. Agents' work happens in threads, so answering never waits on a sync; a failing agent
is logged and retried at its next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from community_bot.kb.agents.config import AgentConfig
from community_bot.kb.agents.reports import SyncReport
from community_bot.kb.agents.runner import AgentRunner, OnIngested, select_agents
from community_bot.kb.agents.schedule import Schedule
from community_bot.kb.sources import DocumentSink
from community_bot.settings import SourceAgentSettings

log = logging.getLogger(__name__)

MAX_NAP_S = 300.0  # re-read the wall clock at least this often (suspend, clock changes)
STOP_GRACE_S = 10.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class AgentScheduler:
    """`await start()` once the app is open, `await stop()` before it closes."""

    def __init__(
        self,
        agents: Sequence[AgentConfig],
        runner: AgentRunner,
        *,
        interval_s: float,
        run_on_start: bool,
        on_report: Callable[[SyncReport], None] | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.agents = list(agents)
        self._runner = runner
        self._interval_s = interval_s
        self._run_on_start = run_on_start
        self._on_report = on_report
        self._clock = clock
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self.last_report: SyncReport | None = None
        self.reported = asyncio.Event()  # set once the first run has finished (for /status, tests)

    @classmethod
    def from_settings(
        cls,
        settings: SourceAgentSettings,
        sink: DocumentSink | None,
        *,
        data_dir: Path,
        knowledge_base_id: str | None,
        aws_region: str | None,
        agent_id: str | None = None,
        run_on_start: bool | None = None,
        on_ingested: OnIngested | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
    ) -> AgentScheduler:
        """Agents from SOURCE_AGENTS_CONFIG (a bad file raises ConfigError here, at start-up);
        `data_dir`, `knowledge_base_id` and `aws_region` go to `AgentRunner.from_settings`."""
        runner = AgentRunner.from_settings(
            settings,
            sink,
            on_ingested,
            data_dir=data_dir,
            knowledge_base_id=knowledge_base_id,
            aws_region=aws_region,
        )
        return cls(
            select_agents(settings, agent_id),
            runner,
            interval_s=settings.source_agents_interval,
            run_on_start=(
                settings.source_agents_run_on_startup if run_on_start is None else run_on_start
            ),
            on_report=on_report,
        )

    @classmethod
    async def start_in_background(
        cls,
        settings: SourceAgentSettings,
        sink: DocumentSink | None,
        on_ingested: OnIngested | None = None,
        *,
        data_dir: Path,
        knowledge_base_id: str | None,
        aws_region: str | None,
        holds_shard_zero: bool,
        shared_database: bool,
    ) -> AgentScheduler | None:
        """The bot's background sync, started, when SOURCE_AGENTS_ENABLED; else None. Of several
        processes sharing DATA_DIR (shards), only the one holding shard 0 (`holds_shard_zero`,
        from the Discord settings) runs it; with `shared_database` (DATABASE_URL set) the others
        may be on other hosts, whose local indexes it cannot update."""
        if not settings.source_agents_enabled:
            return None
        if not holds_shard_zero:
            if shared_database:  # other hosts' indexes are their own
                log.warning(
                    "source agents: run by the process that connects shard 0, which updates its"
                    " own host's local index; keep this host's index current with `community-bot"
                    " kb sync --once` (e.g. from cron) or use a Bedrock knowledge base"
                )
            else:
                log.info("source agents: left to the process that connects shard 0")
            return None
        scheduler = cls.from_settings(
            settings,
            sink,
            data_dir=data_dir,
            knowledge_base_id=knowledge_base_id,
            aws_region=aws_region,
            on_ingested=on_ingested,
        )
        await scheduler.start()
        return scheduler

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="source-agents")

    async def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Stop scheduling. A run in progress gets `grace_s` to finish, so the local index is
        not closed under it; past that it is abandoned (its thread ends on its own, and what it
        did not finish is redone by the next sync)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace_s)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _loop(self) -> None:
        schedule = Schedule(self.agents, self._interval_s, self._clock())
        if self._run_on_start and self.agents:
            await self._run(self.agents)
            schedule.ran([agent.id for agent in self.agents], self._clock())
        while True:
            now = self._clock()
            due = schedule.due(now)
            if due:
                await self._run(due)
                schedule.ran([agent.id for agent in due], self._clock())
                continue
            wait = schedule.seconds_until_next(now)
            await self._sleep(MAX_NAP_S if wait is None else min(wait, MAX_NAP_S))

    async def _run(self, agents: Sequence[AgentConfig]) -> None:
        if self._stopping:
            return
        self._idle.clear()
        try:
            report = await self._runner.run(agents)
        except Exception:  # the runner isolates agents; this is a bug, not an outage
            log.exception("source agents: run of %s failed", ", ".join(a.id for a in agents))
            return
        finally:
            self._idle.set()
        self.last_report = report
        self.reported.set()
        if self._on_report is not None:
            self._on_report(report)
