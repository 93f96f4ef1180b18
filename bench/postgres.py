"""Benchmark: shared state on PostgreSQL (DATABASE_URL) against the embedded SQLite default.

Rows, from one run on one machine:

- turn overhead: the whole app around an instant model (graph, checkpoint read and save,
  transcript store, turn lock, ledger row), turns one after another, SQLite vs PostgreSQL;
- turns/s in one process: 20 channels asking at once, instant model, SQLite vs PostgreSQL
  (LangGraph's pooled saver sends one statement at a time per instance, so this is where its
  lock would show);
- turns/s with 1, 2 and 4 processes on one database, each with its own DATA_DIR (as separate
  hosts would be) and a 50 ms model, 10 channels per process.

The server is BENCH_POSTGRES_URL (default: the local one, postgresql://postgres@127.0.0.1/test);
each run creates a scratch database and drops it. Without a server the section is skipped.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from bench.app import MEMBER, bench_app, bench_settings
from bench.chat_model import InstantChatModel
from bench.knowledge import questions, synthetic_knowledge
from bench.rows import Row
from bench.timing import p50_p99
from community_bot import event_loop
from community_bot.kb import Knowledge, LocalIndex
from community_bot.kb.index import INDEX_FILE

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PROCESS_MODEL_S = 0.05
NOTE = (
    "PostgreSQL: the same app on DATABASE_URL (LangGraph's AsyncPostgresSaver and "
    "AsyncPostgresStore, advisory turn locks, ledger and spend tables) against the SQLite "
    "default, on a local PostgreSQL 15; processes each have their own DATA_DIR."
)


@contextmanager
def scratch_database() -> Iterator[str | None]:
    """A new database on the bench server, dropped afterwards; None when no server answers."""
    import psycopg

    name = f"cb_bench_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        yield None
        return
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _knowledge(kb_dir: Path) -> Knowledge:
    return Knowledge(
        [LocalIndex(kb_dir / INDEX_FILE)], bench_settings(kb_dir, local_kb_paths=[]).knowledge
    )


async def _one_process(
    data_dir: Path, kb_dir: Path, turns: int, channels: int, **overrides: Any
) -> tuple[list[float], float]:
    """(per-turn ms one after another, turns/s with `channels` at once), instant model."""
    asks = questions(turns + channels * 5)
    async with bench_app(data_dir, InstantChatModel(), _knowledge(kb_dir), **overrides) as app:
        await app.conversation.ask("warm-up", "warm up", MEMBER)
        samples = []
        for number in range(turns):
            started = time.perf_counter()
            await app.conversation.ask(f"seq:{number % 10}", next(asks), MEMBER)
            samples.append((time.perf_counter() - started) * 1000)

        async def channel(name: str) -> None:
            for _ in range(5):
                await app.conversation.ask(name, next(asks), MEMBER)

        started = time.perf_counter()
        await asyncio.gather(*(channel(f"par:{n}") for n in range(channels)))
        rate = channels * 5 / (time.perf_counter() - started)
    return samples, rate


@dataclass(frozen=True)
class Share:
    started: float
    finished: float
    turns: int


async def _serve(
    url: str, data_dir: Path, kb_dir: Path, channels: list[str], turns: int, barrier: Barrier
) -> Share:
    gateway = InstantChatModel(first_token_s=PROCESS_MODEL_S)
    async with bench_app(data_dir, gateway, _knowledge(kb_dir), database_url=url) as app:
        await app.conversation.ask(f"warm-up:{os.getpid()}", "warm up", MEMBER)
        asks = questions(len(channels) * turns)

        async def channel(name: str) -> None:
            for _ in range(turns):
                await app.conversation.ask(name, next(asks), MEMBER)

        await asyncio.to_thread(barrier.wait)
        started = time.monotonic()
        await asyncio.gather(*(channel(name) for name in channels))
        return Share(started, time.monotonic(), len(channels) * turns)


def _process(
    url: str,
    data_dir: Path,
    kb_dir: Path,
    channels: list[str],
    turns: int,
    barrier: Barrier,
    results: Queue[Share],
) -> None:
    results.put(event_loop.run(_serve(url, data_dir, kb_dir, channels, turns, barrier)))


def _spread(url: str, root: Path, processes: int, channels: int, turns: int) -> float:
    """Turns/s of `processes` processes (own DATA_DIRs) on one database, started together."""
    # Forked from a fork server that imported the app once: start-up is not measured (the
    # clock starts at the barrier, after each process's warm-up turn).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bench.postgres"])
    barrier = context.Barrier(processes)
    results: Queue[Share] = context.Queue()
    workers = [
        context.Process(
            target=_process,
            args=(
                url,
                root / f"host-{processes}-{n}",
                root / "kb",
                [f"host{n}:{processes}p:{c}" for c in range(channels)],
                turns,
                barrier,
                results,
            ),
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    shares = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    wall = max(s.finished for s in shares) - min(s.started for s in shares)
    return sum(s.turns for s in shares) / wall


def _measure(
    turns: int, channels: int, per_process: int, process_turns: int, spreads: tuple[int, ...]
) -> list[Row]:
    with scratch_database() as url, tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        if url is None:
            return [Row(f"PostgreSQL at {ADMIN_URL}: not reachable, section skipped", "")]
        root = Path(tmp)
        event_loop.run(synthetic_knowledge(root / "kb", 500))
        lite, lite_rate = event_loop.run(
            _one_process(root / "sqlite", root / "kb", turns, channels)
        )
        pg, pg_rate = event_loop.run(
            _one_process(root / "pg", root / "kb", turns, channels, database_url=url)
        )
        spread = {n: _spread(url, root, n, per_process, process_turns) for n in spreads}
    rows = []
    for name, samples in (("SQLite", lite), ("PostgreSQL", pg)):
        p50, p99 = p50_p99(samples)
        rows.append(Row(f"turn overhead, instant model, {name}", "ms", p50=p50, p99=p99))
    rows += [
        Row(f"turns/s, {channels} channels at once, 1 process, SQLite", "/s", value=lite_rate),
        Row(f"turns/s, {channels} channels at once, 1 process, PostgreSQL", "/s", value=pg_rate),
    ]
    load = f"{per_process} channels/process, {PROCESS_MODEL_S * 1000:.0f} ms model"
    for processes, rate in spread.items():
        rows.append(
            Row(f"turns/s on one PostgreSQL, {processes} process(es), {load}", "/s", value=rate)
        )
    most = max(spreads)
    rows.append(
        Row(
            f"speed-up, {most} processes ÷ 1, on one PostgreSQL",
            "×",
            value=spread[most] / spread[1],
        )
    )
    return rows


def measure(quick: bool = False) -> list[Row]:
    if quick:
        return _measure(turns=20, channels=4, per_process=2, process_turns=2, spreads=(1, 2))
    return _measure(turns=200, channels=20, per_process=10, process_turns=5, spreads=(1, 2, 4))
