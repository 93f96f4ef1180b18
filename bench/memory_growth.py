"""Benchmark 3: one channel, 1,000 turns — what grows and what must not.

The thread's history grows with the conversation, and is kept whole (the transcript in the store
plus the checkpoint). What a turn pays for must not grow: the prompt (trimming by
MEMORY_MAX_MESSAGES and MEMORY_MAX_TOKENS, plus the running summary), the checkpoint each turn
loads and saves (the summary's messages leave it for the transcript), and so the turn's time.
Each is compared between turn 100 and turn 1,000. The SQLite file on disk and the number of
checkpoints kept are reported too. Every question retrieves the same five passages, so prompt
sizes differ only by memory.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from bench.app import MEMBER, bench_app
from bench.doubles import InstantChatModel
from bench.knowledge import questions
from bench.retrieval import SEED, synthetic_documents
from bench.rows import Row
from bench.timing import percentile
from community_bot import event_loop
from tests.fakes import FixedKnowledge, passage

THREAD = "bench:long-channel"
FLAT_TOLERANCE = 1.1  # the last prompt may exceed the middle one by 10% (summary wording)
TIME_TOLERANCE = 1.5  # turn times are p50s of 50 turns on a shared machine: allow noise
TIMING_WINDOW = 50  # turns in each turn-time row (fewer in the quick run)
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
    """Checkpoints kept for the thread, and the size of the newest one in bytes (read by a
    second connection while the app runs: SQLite's WAL lets it see every committed turn)."""
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
        checkpoint_bytes: dict[int, int] = {}
        times: list[float] = []
        async with bench_app(root / "app", InstantChatModel(), knowledge) as app:
            for number in range(1, turns + 1):
                started = time.perf_counter()
                reply = await app.conversation.ask(THREAD, next(asks), MEMBER)
                times.append((time.perf_counter() - started) * 1000)
                if number in marks and reply.turn is not None:
                    prompts[number] = reply.turn["input_tokens"]
                    checkpoint_bytes[number] = _checkpoints(app.settings.checkpoint_path)[1]
            messages = len(await app.conversation.history(THREAD))
            state = await app.conversation._graph.aget_state(
                {"configurable": {"thread_id": THREAD}}
            )
            live = len(state.values["messages"])
            database = app.settings.checkpoint_path
            disk = _disk_bytes(database)
            count, _ = _checkpoints(database)
    _, middle, last = marks
    flat = f"≤ {FLAT_TOLERANCE:g} × turn {middle}"
    window = min(TIMING_WINDOW, middle // 2)
    early = percentile(times[middle - window : middle], 50)
    late = percentile(times[-window:], 50)
    return [
        *(
            Row(f"prompt tokens at turn {mark}", "tokens", value=prompts[mark])
            for mark in marks[:-1]
        ),
        Row(
            f"prompt tokens at turn {last}",
            "tokens",
            value=prompts[last],
            target=flat,
            passed=prompts[last] <= prompts[middle] * FLAT_TOLERANCE,
        ),
        *(
            Row(f"checkpoint loaded and saved per turn, at turn {mark}", "KiB", value=size / 1024)
            for mark, size in checkpoint_bytes.items()
            if mark != last
        ),
        Row(
            f"checkpoint loaded and saved per turn, at turn {last}",
            "KiB",
            value=checkpoint_bytes[last] / 1024,
            target=flat,
            passed=checkpoint_bytes[last] <= checkpoint_bytes[middle] * FLAT_TOLERANCE,
        ),
        Row(f"turn time, turns {middle - window + 1}–{middle}", "ms", p50=early),
        Row(
            f"turn time, turns {turns - window + 1}–{turns}",
            "ms",
            p50=late,
            target=f"≤ {TIME_TOLERANCE:g} × turns {middle - window + 1}–{middle}",
            passed=late <= early * TIME_TOLERANCE,
        ),
        Row(f"messages in the thread's history after {turns} turns", "messages", value=messages),
        Row("of which in the checkpoint", "messages", value=live),
        Row("checkpoints kept for the thread", "checkpoints", value=count),
        Row(f"checkpoint database on disk after {turns} turns", "MiB", value=disk / MIB),
    ]


def measure(quick: bool = False) -> list[Row]:
    if quick:
        return event_loop.run(_measure(turns=80, marks=(10, 40, 80)))
    return event_loop.run(_measure(turns=1000, marks=(10, 100, 1000)))
