"""Benchmark 2: many channels at once, each waiting on a slow model.

200 channels each ask 5 questions in a row (turns within a channel are sequential, like the
Discord runtime's per-channel queue; channels run in parallel) and the model takes 100 ms per
answer. Ideally the whole run takes 5 × 100 ms: parallel efficiency is that ideal over the
measured wall time. Whatever the graph does on the event loop per turn is paid 1,000 times in
one process, so the CPU per turn row says how much room there is.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.app import MEMBER, bench_app
from bench.doubles import StreamingGateway
from bench.knowledge import questions, synthetic_knowledge
from bench.rows import Row
from bench.timing import p50_p99
from community_bot.conversation import Conversation

MODEL_LATENCY_S = 0.1
EFFICIENCY_TARGET_PCT = 90.0
NOTE = (
    "Concurrency: the model double sleeps 100 ms per answer (asyncio, like a network call); "
    "ideal wall time = turns per channel × 100 ms."
)


async def _channel(
    conversation: Conversation,
    channel: str,
    turns: int,
    asks: Iterator[str],
    latencies: list[float],
) -> None:
    for _ in range(turns):
        started = time.perf_counter()
        await conversation.ask(channel, next(asks), MEMBER)
        latencies.append((time.perf_counter() - started) * 1000)


async def _measure(channels: int, turns: int, chunks: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        root = Path(tmp)
        knowledge = await synthetic_knowledge(root / "kb", chunks)
        gateway = StreamingGateway(first_token_s=MODEL_LATENCY_S)
        asks = questions(channels * turns + 1)
        latencies: list[float] = []
        async with bench_app(root / "app", gateway, knowledge) as app:
            await app.conversation.ask("bench:warm-up", next(asks), MEMBER)
            cpu_started, started = time.process_time(), time.perf_counter()
            await asyncio.gather(
                *(
                    _channel(app.conversation, f"bench:{n}", turns, asks, latencies)
                    for n in range(channels)
                )
            )
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
    ideal = turns * MODEL_LATENCY_S
    efficiency = ideal / wall * 100
    turn_p50, turn_p99 = p50_p99(latencies)
    return [
        Row(
            f"parallel efficiency, {channels} channels × {turns} turns",
            "%",
            value=efficiency,
            target=f"≥ {EFFICIENCY_TARGET_PCT:g}%",
            passed=efficiency >= EFFICIENCY_TARGET_PCT,
        ),
        Row("wall time (ideal = turns × 100 ms)", "s", value=wall),
        Row("turn latency under load (model 100 ms)", "ms", p50=turn_p50, p99=turn_p99),
        Row("process CPU per turn under load", "ms", value=cpu / (channels * turns) * 1000),
    ]


def measure(quick: bool = False) -> list[Row]:
    if quick:
        return asyncio.run(_measure(channels=20, turns=2, chunks=1000))
    return asyncio.run(_measure(channels=200, turns=5, chunks=10_000))
