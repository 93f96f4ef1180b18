"""Benchmark 3: one channel, 1,000 turns — what grows and what must not.

The checkpoint keeps every message of a thread by design (history, `/reset`, summaries are
derived from it), so it grows with the conversation. The prompt must not: trimming
(MEMORY_MAX_MESSAGES, MEMORY_MAX_TOKENS) and the running summary keep it flat, and this
benchmark checks that at turns 10, 100 and 1,000. It also reports the SQLite file on disk, the
size of the thread's latest checkpoint (what each turn loads) and how many checkpoints are kept.
Every question retrieves the same five passages, so prompt sizes differ only by memory.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from bench.app import MEMBER, bench_app
from bench.doubles import StreamingGateway
from bench.knowledge import questions
from bench.retrieval import SEED, synthetic_documents
from bench.rows import Row
from bench.timing import percentile
from tests.fakes import FixedKnowledge, passage

THREAD = "bench:long-channel"
FLAT_TOLERANCE = 1.1  # the last prompt may exceed the middle one by 10% (summary wording)
TIMING_WINDOW = 10  # turns averaged for the turn-time rows
MIB = 1024 * 1024
PASSAGES = 5
NOTE = (
    "Memory growth: one channel, default MEMORY_MAX_MESSAGES=50 and MEMORY_MAX_TOKENS=6000; "
    "every question retrieves the same 5 passages, so only memory changes the prompt."
)


def _same_passages_every_time() -> FixedKnowledge:
    """Five sections of one synthetic document, retrieved for every question."""
    document = next(synthetic_documents(1, random.Random(SEED)))
    sections = document.text.split("\n\n## ")[1 : PASSAGES + 1]
    return FixedKnowledge([passage(text, document.title, document.source) for text in sections])


def _disk_bytes(database: Path) -> int:
    """The SQLite file and its write-ahead log, as they sit on disk."""
    return sum(p.stat().st_size for p in (database, Path(f"{database}-wal")) if p.exists())


def _checkpoints(database: Path) -> tuple[int, int]:
    """Checkpoints kept for the thread, and the size of the newest one in bytes."""
    with closing(sqlite3.connect(database)) as connection:
        count, latest = connection.execute(
            "SELECT COUNT(*), (SELECT LENGTH(checkpoint) FROM checkpoints WHERE thread_id = ?1"
            " ORDER BY checkpoint_id DESC LIMIT 1) FROM checkpoints WHERE thread_id = ?1",
            (THREAD,),
        ).fetchone()
    return int(count), int(latest)


async def _measure(turns: int, marks: Sequence[int]) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        root = Path(tmp)
        knowledge = _same_passages_every_time()
        asks = questions(turns)
        prompts: dict[int, int] = {}
        times: list[float] = []
        async with bench_app(root / "app", StreamingGateway(), knowledge) as app:
            for number in range(1, turns + 1):
                started = time.perf_counter()
                reply = await app.conversation.ask(THREAD, next(asks), MEMBER)
                times.append((time.perf_counter() - started) * 1000)
                if number in marks and reply.turn is not None:
                    prompts[number] = reply.turn["input_tokens"]
            messages = len(await app.conversation.history(THREAD))
            database = app.settings.checkpoint_path
            disk = _disk_bytes(database)
            count, latest = _checkpoints(database)
    _, middle, last = marks
    flat = prompts[last] <= prompts[middle] * FLAT_TOLERANCE
    rows = [Row(f"prompt tokens at turn {mark}", "tokens", value=prompts[mark]) for mark in marks]
    rows[-1] = Row(
        rows[-1].metric,
        "tokens",
        value=prompts[last],
        target=f"≤ {FLAT_TOLERANCE:g} × turn {middle}",
        passed=flat,
    )
    return [
        *rows,
        Row(f"messages kept in the thread after {turns} turns", "messages", value=messages),
        Row("checkpoints kept for the thread", "checkpoints", value=count),
        Row("latest checkpoint of the thread (loaded each turn)", "KiB", value=latest / 1024),
        Row(f"checkpoint database on disk after {turns} turns", "MiB", value=disk / MIB),
        Row(
            f"turn time, turns 1–{TIMING_WINDOW}",
            "ms",
            p50=percentile(times[:TIMING_WINDOW], 50),
        ),
        Row(
            f"turn time, turns {turns - TIMING_WINDOW + 1}–{turns}",
            "ms",
            p50=percentile(times[-TIMING_WINDOW:], 50),
        ),
    ]


def measure(quick: bool = False) -> list[Row]:
    if quick:
        return asyncio.run(_measure(turns=80, marks=(10, 40, 80)))
    return asyncio.run(_measure(turns=1000, marks=(10, 100, 1000)))
