"""When agents run: cron (UTC) or the interval, decided on a hand-set clock; never blocking."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from community_bot.errors import ConfigError
from community_bot.kb.agents import AgentRunner, AgentScheduler, SyncReport, load_agents
from community_bot.kb.agents.config import AgentConfig
from community_bot.kb.agents.schedule import Schedule, next_run
from community_bot.kb.documents import Document
from community_bot.kb.sources import IndexReport
from tests.agents.conftest import MakeSettings, MemorySink, WriteConfig, folder_agent
from tests.kb_wiring import agents_in_background

START = datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC)
INTERVAL_S = 120


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return START.replace(hour=hour, minute=minute, second=second)


def agents(tmp_path: Path, write_config: WriteConfig) -> list[AgentConfig]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "a.md").write_text("# A\n")
    path = write_config(
        folder_agent("often", docs),
        {**folder_agent("five", docs), "schedule": "*/5 * * * *"},
    )
    return load_agents(path, {})


def test_a_cron_agent_is_next_due_at_its_next_slot_in_utc(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    _, five = agents(tmp_path, write_config)
    assert next_run(five, START, INTERVAL_S) == at(12, 5)
    assert next_run(five, at(12, 5), INTERVAL_S) == at(12, 10)


def test_an_agent_without_schedule_runs_every_interval(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    plain, _ = agents(tmp_path, write_config)
    assert next_run(plain, START, INTERVAL_S) == START + timedelta(seconds=INTERVAL_S)


def test_due_agents_are_picked_and_a_late_run_does_not_repeat_missed_slots(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    schedule = Schedule(agents(tmp_path, write_config), INTERVAL_S, START)
    assert schedule.due(at(12, 2)) == []
    assert schedule.seconds_until_next(START) == INTERVAL_S
    assert [a.id for a in schedule.due(at(12, 5))] == ["often", "five"]
    schedule.ran(["often", "five"], finished=at(13, 2))  # the run took almost an hour
    assert schedule.due(at(13, 3)) == []  # the 12:10 … 13:00 slots are not made up
    assert [a.id for a in schedule.due(at(13, 5))] == ["often", "five"]
    assert schedule.next_time() == at(13, 4)


class FakeTime:
    """A clock that moves only when the scheduler sleeps; parks it after `naps` sleeps."""

    def __init__(self, naps: int) -> None:
        self.now = START
        self.sleeps: list[float] = []
        self.naps = naps
        self.parked = asyncio.Event()

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if len(self.sleeps) == self.naps:
            self.parked.set()
            await asyncio.Event().wait()
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


async def run_scheduler(
    agent_list: list[AgentConfig], time: FakeTime, **options: Any
) -> list[list[str]]:
    """The batches of agent ids run until the scheduler parks."""
    batches: list[list[str]] = []

    def record(report: SyncReport) -> None:
        batches.append([a.agent_id for a in report.agents])

    scheduler = AgentScheduler(
        agent_list,
        AgentRunner(MemorySink()),
        interval_s=INTERVAL_S,
        on_report=record,
        clock=time.clock,
        sleep=time.sleep,
        **options,
    )
    await scheduler.start()
    await asyncio.wait_for(time.parked.wait(), 10)
    await scheduler.stop()
    return batches


async def test_the_scheduler_runs_everything_at_start_then_each_agent_on_its_own_time(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    time = FakeTime(naps=4)
    batches = await run_scheduler(agents(tmp_path, write_config), time, run_on_start=True)
    assert batches == [["often", "five"], ["often"], ["often"], ["five"], ["often"]]
    assert time.sleeps == [120, 120, 30, 90]  # to 12:02:30, 12:04:30, 12:05:00, 12:06:30


async def test_without_run_on_start_the_first_run_waits_for_its_time(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    time = FakeTime(naps=1)
    batches = await run_scheduler(agents(tmp_path, write_config), time, run_on_start=False)
    assert time.sleeps == [120]
    assert batches == [["often"]]


async def test_a_long_wait_is_taken_in_naps_that_reread_the_clock(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    _, five = agents(tmp_path, write_config)
    daily = five.model_copy(update={"schedule": "0 0 * * *"})
    time = FakeTime(naps=3)
    assert await run_scheduler([daily], time, run_on_start=False) == []
    assert time.sleeps == [300, 300, 300]


def waiting_agent(go: Path, write_config: WriteConfig) -> list[AgentConfig]:
    """A script agent that runs until `go` exists: only the test decides when it finishes."""
    code = (
        "import json, os, time\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.01)\n"
        "print(json.dumps([{'id': 'a', 'content': 'done'}]))\n"
    )
    path = write_config(
        {"id": "slow", "kind": "script", "config": {"command": [sys.executable, "-c", code]}}
    )
    return load_agents(path, {})


def scheduler_for(
    agent_list: list[AgentConfig], sink: MemorySink, **options: Any
) -> AgentScheduler:
    return AgentScheduler(
        agent_list, AgentRunner(sink), interval_s=INTERVAL_S, run_on_start=True, **options
    )


async def test_a_running_agent_never_blocks_the_event_loop(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    """The agent waits for a file only this coroutine creates: a blocked loop would deadlock."""
    go = tmp_path / "go"
    finished = asyncio.Event()
    sink = MemorySink()
    scheduler = scheduler_for(
        waiting_agent(go, write_config), sink, on_report=lambda _report: finished.set()
    )
    await scheduler.start()
    await asyncio.sleep(0)  # let the scheduler start its run
    assert scheduler.last_report is None
    go.write_text("")
    await asyncio.wait_for(finished.wait(), 10)
    await scheduler.stop()
    assert sink.ids("agent:slow") == ["a"]


async def test_stopping_lets_a_run_in_progress_finish(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    go = tmp_path / "go"
    scheduler = scheduler_for(waiting_agent(go, write_config), MemorySink())
    await scheduler.start()
    stopping = asyncio.create_task(scheduler.stop(grace_s=30))
    go.write_text("")
    await asyncio.wait_for(stopping, 10)
    assert scheduler.last_report is not None and scheduler.last_report.ok


async def test_stopping_abandons_a_run_that_outlasts_the_grace(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    go = tmp_path / "go"
    scheduler = scheduler_for(waiting_agent(go, write_config), MemorySink())
    await scheduler.start()
    await asyncio.wait_for(scheduler.stop(grace_s=0.05), 10)
    assert scheduler.last_report is None
    go.write_text("")  # let the abandoned collector's process end


class SignallingSink(MemorySink):
    def __init__(self) -> None:
        super().__init__()
        self.filled = threading.Event()

    def replace_documents(self, source_id: str, documents: Iterable[Document]) -> IndexReport:
        report = super().replace_documents(source_id, documents)
        self.filled.set()
        return report


async def test_the_bot_syncs_in_the_background_only_when_enabled(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings
) -> None:
    agents(tmp_path, write_config)
    sink = SignallingSink()
    assert await agents_in_background(make_settings(), sink) is None
    enabled = make_settings(source_agents_enabled=True, source_agents_run_on_startup=True)
    scheduler = await agents_in_background(enabled, sink)
    assert scheduler is not None
    assert await asyncio.to_thread(sink.filled.wait, 10)
    await scheduler.stop()
    assert sink.ids("agent:often") == ["a.md"]


async def test_of_several_shard_processes_only_the_one_holding_shard_zero_syncs(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings
) -> None:
    agents(tmp_path, write_config)
    sink = SignallingSink()

    def shards(*ids: int) -> Any:
        enabled = {"source_agents_enabled": True, "source_agents_run_on_startup": True}
        return make_settings(**enabled, discord_shard_count=3, discord_shard_ids=list(ids))

    assert await agents_in_background(shards(1, 2), sink) is None
    scheduler = await agents_in_background(shards(2, 0), sink)
    assert scheduler is not None
    assert await asyncio.to_thread(sink.filled.wait, 10)
    await scheduler.stop()


async def test_a_bad_agents_file_stops_the_bot_at_start_up(
    write_config: WriteConfig, make_settings: MakeSettings
) -> None:
    path = write_config({"id": "x", "kind": "folder", "config": {"path": "${NOT_SET_ANYWHERE}"}})
    with pytest.raises(ConfigError, match=f"{path}: agent 'x': environment variable NOT_SET"):
        await agents_in_background(make_settings(source_agents_enabled=True), MemorySink())
