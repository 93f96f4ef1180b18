"""Benchmark 2b: the concurrency load spread over several processes, as shards spread a bot.

One process cannot meet the concurrency target: every turn costs event-loop CPU (LangGraph's
step machinery alone is ~1.4 ms, `python -m bench --only concurrency`), and one loop runs on
one core. A Discord bot scales past that with shards in separate processes (DISCORD_SHARD_IDS,
docs/discord.md), each running its own app over the same DATA_DIR. This benchmark does exactly
that: the same 200 channels × 5 turns with a 100 ms model, split over 1 process and then over
one process per CPU core, all sharing one checkpoint file, ledger and knowledge index. Every
process opens its app and warms up first; a barrier then starts their turns together, and the
wall time runs from the first start to the last finish.

What the target needs follows from a simple model that the two runs check. All channels ask at
once, so each round of turns lasts the model's 100 ms plus the event-loop work of every turn a
process serves in that round, one after another: efficiency = 100 ms / (100 ms + channels per
process × s), where s, the serialised cost of one turn, comes from the one-process run. The
model's prediction for N processes is reported beside the measurement, and the same model gives
the processes (on as many cores) that 90% needs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from bench.app import MEMBER, bench_app, bench_settings
from bench.doubles import InstantChatModel
from bench.knowledge import questions, synthetic_knowledge
from bench.rows import Row
from community_bot import event_loop
from community_bot.kb import Knowledge, LocalIndex
from community_bot.kb.index import INDEX_FILE

MODEL_LATENCY_S = 0.1
EFFICIENCY_TARGET_PCT = 90.0
NOTE = (
    "Scale-out: the concurrency load split over processes that share one DATA_DIR (one SQLite "
    "checkpoint file, ledger and index), as shards would; wall time from the first process's "
    "start to the last one's finish."
)


@dataclass(frozen=True)
class Share:
    """What one process measured: its own start and finish (CLOCK_MONOTONIC, shared by every
    process on Linux), and its CPU time."""

    started: float
    finished: float
    cpu_s: float


async def _serve(
    data_dir: Path, kb_dir: Path, plan: dict[str, list[str]], barrier: Barrier
) -> Share:
    knowledge = Knowledge(
        [LocalIndex(kb_dir / INDEX_FILE)], bench_settings(kb_dir, local_kb_paths=[]).knowledge
    )
    model = InstantChatModel(first_token_s=MODEL_LATENCY_S)
    async with bench_app(data_dir, model, knowledge) as app:
        await app.conversation.ask(f"warm-up:{os.getpid()}", "warm up", MEMBER)

        async def channel(name: str, asks: list[str]) -> None:
            for question in asks:
                await app.conversation.ask(name, question, MEMBER)

        await asyncio.to_thread(barrier.wait)
        cpu_started, started = time.process_time(), time.monotonic()
        await asyncio.gather(*(channel(name, asks) for name, asks in plan.items()))
        return Share(started, time.monotonic(), time.process_time() - cpu_started)


def _process(
    data_dir: Path,
    kb_dir: Path,
    plan: dict[str, list[str]],
    barrier: Barrier,
    results: Queue[Share],
) -> None:
    results.put(event_loop.run(_serve(data_dir, kb_dir, plan, barrier)))


@dataclass(frozen=True)
class Spread:
    processes: int
    wall_s: float
    cpu_s: float


def _spread(root: Path, processes: int, channels: int, turns: int) -> Spread:
    """Run the load over `processes` processes; channels are dealt round-robin."""
    asks = questions(channels * turns)
    plans: list[dict[str, list[str]]] = [{} for _ in range(processes)]
    for number in range(channels):
        name = f"bench:{processes}p:{number}"
        plans[number % processes][name] = [next(asks) for _ in range(turns)]
    # A fresh process per shard, forked from a fork server that imported the app once (the
    # start-up is not measured: the clock starts at the barrier, after each one's warm-up).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bench.scale_out"])
    barrier = context.Barrier(processes)
    results: Queue[Share] = context.Queue()
    workers = [
        context.Process(target=_process, args=(root / "app", root / "kb", plan, barrier, results))
        for plan in plans
    ]
    for worker in workers:
        worker.start()
    shares = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    wall = max(s.finished for s in shares) - min(s.started for s in shares)
    return Spread(processes, wall, sum(s.cpu_s for s in shares))


def _efficiency(spread: Spread, turns: int) -> float:
    return turns * MODEL_LATENCY_S / spread.wall_s * 100


async def _build_knowledge(kb_dir: Path, chunks: int) -> None:
    await synthetic_knowledge(kb_dir, chunks)


def _measure(channels: int, turns: int, chunks: int) -> list[Row]:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-scale-out-") as tmp:
        root = Path(tmp)
        event_loop.run(_build_knowledge(root / "kb", chunks))
        one = _spread(root, 1, channels, turns)
        many = _spread(root, cores, channels, turns) if cores > 1 else one
    single, spread = _efficiency(one, turns), _efficiency(many, turns)
    speed_up = one.wall_s / many.wall_s
    serialised_s = (one.wall_s / turns - MODEL_LATENCY_S) / channels  # s, per turn
    predicted = MODEL_LATENCY_S / (MODEL_LATENCY_S + channels / cores * serialised_s) * 100
    # 90% ⇔ channels per process × s ≤ (1/0.9 − 1) × the model's latency
    headroom_s = MODEL_LATENCY_S * (100 / EFFICIENCY_TARGET_PCT - 1)
    needed = channels * serialised_s / headroom_s
    load = f"{channels} channels × {turns} turns"
    return [
        Row(f"parallel efficiency, {load}, 1 process", "%", value=single),
        Row(
            f"parallel efficiency, {load}, {cores} processes (one per core)",
            "%",
            value=spread,
            target=f"≥ {EFFICIENCY_TARGET_PCT:g}%",
            passed=spread >= EFFICIENCY_TARGET_PCT,
        ),
        Row(f"speed-up, {cores} processes ÷ 1", "×", value=speed_up),
        Row("serialised event-loop time per turn (1 process)", "ms", value=serialised_s * 1000),
        Row(f"model's prediction for {cores} processes", "%", value=predicted),
        Row("processes (and cores) for 90%, by the model", "processes", value=needed),
    ]


def measure(quick: bool = False) -> list[Row]:
    if quick:
        return _measure(channels=8, turns=2, chunks=500)
    return _measure(channels=200, turns=5, chunks=10_000)
