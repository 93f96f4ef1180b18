"""Benchmark 2: many channels at once, each waiting on a slow model.

200 channels each ask 5 questions in a row (turns within a channel are sequential, like the
Discord runtime's per-channel queue; channels run in parallel) and the model takes 100 ms per
answer. Ideally the whole run takes 5 × 100 ms: parallel efficiency is that ideal over the
measured wall time. Whatever a turn does on the event loop is paid 1,000 times by one thread,
so the loop's CPU time bounds the run from below: the "ceiling" row is the best efficiency that
CPU allows, and smaller fan-outs show where the 90% target still holds.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from bench.app import MEMBER, bench_app
from bench.bare_graph import bare_graph
from bench.doubles import InstantChatModel
from bench.knowledge import questions, synthetic_knowledge
from bench.rows import Row
from bench.timing import p50_p99
from community_bot import event_loop

MODEL_LATENCY_S = 0.1
EFFICIENCY_TARGET_PCT = 90.0
NOTE = (
    "Concurrency: the model double sleeps 100 ms per answer (asyncio, like a network call); "
    "ideal wall time = turns per channel × 100 ms."
)


Ask = Callable[[str, str], Awaitable[object]]  # (channel, question) → a finished turn


async def _channel(ask: Ask, channel: str, asks: list[str], latencies: list[float]) -> None:
    for question in asks:
        started = time.perf_counter()
        await ask(channel, question)
        latencies.append((time.perf_counter() - started) * 1000)


@dataclass(frozen=True)
class Run:
    channels: int
    turns: int
    wall_s: float
    loop_cpu_s: float  # CPU time of the event loop's thread alone
    latencies_ms: list[float]

    @property
    def efficiency_pct(self) -> float:
        return self.turns * MODEL_LATENCY_S / self.wall_s * 100

    @property
    def cpu_per_turn_ms(self) -> float:
        return self.loop_cpu_s / (self.channels * self.turns) * 1000


async def _run(ask: Ask, channels: int, turns: int, asks: Iterator[str]) -> Run:
    """`channels` channels in parallel, each asking `turns` questions one after another."""
    latencies: list[float] = []
    prefix = f"bench:{channels}x{turns}"
    plan = {f"{prefix}:{n}": [next(asks) for _ in range(turns)] for n in range(channels)}
    cpu_started, started = time.thread_time(), time.perf_counter()
    await asyncio.gather(*(_channel(ask, c, q, latencies) for c, q in plan.items()))
    wall, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
    return Run(channels, turns, wall, cpu, latencies)


async def _measure(fan_outs: Sequence[int], turns: int, chunks: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        root = Path(tmp)
        knowledge = await synthetic_knowledge(root / "kb", chunks)
        model = InstantChatModel(first_token_s=MODEL_LATENCY_S)
        asks = questions((sum(fan_outs) + fan_outs[-1]) * turns + 1)
        async with bench_app(root / "app", model, knowledge) as app:

            async def product(channel: str, question: str) -> object:
                return await app.conversation.ask(channel, question, MEMBER)

            await product("bench:warm-up", next(asks))
            runs = [await _run(product, channels, turns, asks) for channels in fan_outs]
        async with bare_graph(root / "bare.sqlite", MODEL_LATENCY_S) as graph:

            async def yardstick(channel: str, question: str) -> object:
                config: RunnableConfig = {"configurable": {"thread_id": channel}}
                human = HumanMessage(content=question)
                return await graph.ainvoke({"messages": [human]}, config, durability="exit")

            bare = await _run(yardstick, fan_outs[-1], turns, asks)
    *smaller, full = runs
    turn_p50, turn_p99 = p50_p99(full.latencies_ms)
    # One event loop runs on one core: the run cannot be shorter than the loop's CPU time.
    ceiling = min(100.0, turns * MODEL_LATENCY_S / full.loop_cpu_s * 100)
    return [
        Row(
            f"parallel efficiency, {full.channels} channels × {turns} turns",
            "%",
            value=full.efficiency_pct,
            target=f"≥ {EFFICIENCY_TARGET_PCT:g}%",
            passed=full.efficiency_pct >= EFFICIENCY_TARGET_PCT,
        ),
        Row(f"wall time (ideal {turns * MODEL_LATENCY_S:g} s)", "s", value=full.wall_s),
        Row("turns per second, one process", "/s", value=full.channels * turns / full.wall_s),
        Row("efficiency ceiling set by event-loop CPU", "%", value=ceiling),
        Row("event-loop CPU per turn under load", "ms", value=full.cpu_per_turn_ms),
        Row(
            f"bare one-node graph, same load: parallel efficiency ({bare.channels} × {turns})",
            "%",
            value=bare.efficiency_pct,
        ),
        Row("bare one-node graph: event-loop CPU per turn", "ms", value=bare.cpu_per_turn_ms),
        Row(
            "event-loop CPU per turn ÷ bare graph's",
            "×",
            value=full.cpu_per_turn_ms / bare.cpu_per_turn_ms,
        ),
        Row("turn latency under load (model 100 ms)", "ms", p50=turn_p50, p99=turn_p99),
        *(
            Row(
                f"parallel efficiency, {run.channels} channels × {turns} turns",
                "%",
                value=run.efficiency_pct,
            )
            for run in smaller
        ),
    ]


def measure(quick: bool = False) -> list[Row]:
    if quick:
        return event_loop.run(_measure(fan_outs=(5, 20), turns=2, chunks=1000))
    return event_loop.run(_measure(fan_outs=(10, 25, 50, 200), turns=5, chunks=10_000))
