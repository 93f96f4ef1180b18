"""Benchmark: how the bot behaves when things go wrong, in the two numbers users feel.

1. Question → first visible text while the model provider hangs (accepts the connection, never
   answers). Before TURN_TIMEOUT_SECONDS this took 183 s (3 attempts × the 60 s read timeout);
   the goal is ≤ 20 s at the defaults. The real app (`open_app`, real Bedrock client) asks a
   server on 127.0.0.1 that never answers; the time runs from the turn's start to its first
   token, which is the docs answer naming the timeout. `--quick` uses TURN_TIMEOUT_SECONDS=2 and
   says so in the row name.
2. Turns lost when 20 processes ask on the same channel of one DATA_DIR at once. Before the
   per-thread lock, 18 of 20 vanished (LangGraph's last saver wins). Each process (forked from a
   fork server that imported the app once) opens the real app and asks one question; afterwards
   the channel's history must hold every accepted one.
   `--quick` uses 4 processes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Barrier
from pathlib import Path

from bench.app import MEMBER, bench_settings
from bench.rows import Row
from community_bot import event_loop
from community_bot.thread_lock import ThreadBusyError
from community_bot.turns import TokenEvent
from runtime.app import open_app
from tests.emulators.bedrock_runtime import aws_env
from tests.emulators.hang import HangServer

GOAL_FIRST_TEXT_S = 20.0
DEFAULT_TURN_TIMEOUT_S = None  # None: the setting's default
QUICK_TURN_TIMEOUT_S = 2.0
WRITERS, QUICK_WRITERS = 20, 4
NOTE = (
    "Faults: first visible text while Bedrock hangs is measured on the real app and Bedrock "
    "client against a server that accepts and never answers (the docs answer naming the "
    "timeout); lost turns count the questions missing from one channel after N processes "
    "asked on it at once."
)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """boto3 reads its endpoint and credentials from the environment: set them, then restore."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def _first_text_s(data_dir: Path, url: str, turn_timeout_s: float | None) -> float:
    extra = {} if turn_timeout_s is None else {"turn_timeout_seconds": turn_timeout_s}
    settings = bench_settings(data_dir, **extra)
    async with open_app(settings, background=False) as app:
        started = time.perf_counter()
        first: float | None = None
        async for event in app.conversation.stream_turn(
            "bench-hang", "How do I install community-bot on my Mac?", MEMBER
        ):
            if first is None and isinstance(event, TokenEvent):
                first = time.perf_counter() - started
        assert first is not None, "the turn sent no text"
        return first


def _ask_once(
    data_dir: Path, question: str, barrier: Barrier, refused: multiprocessing.Queue[str]
) -> None:
    async def turn() -> None:
        settings = bench_settings(data_dir, backend_mode="retrieval")
        async with open_app(settings, background=False) as app:
            barrier.wait()
            try:
                await app.conversation.ask("bench-same", question, MEMBER)
            except ThreadBusyError:
                refused.put(question)

    event_loop.run(turn())


async def _history(data_dir: Path) -> list[str]:
    async with open_app(bench_settings(data_dir), background=False) as app:
        messages = await app.conversation.history("bench-same")
    return [str(m.content) for m in messages if m.type == "human"]


def _lost_turns(data_dir: Path, writers: int) -> tuple[int, int]:
    """(questions missing from the channel, questions refused with ThreadBusyError)."""
    # A fork server: the app's modules are imported once, in a process that has no threads
    # (forking this one, whose emulators and worker threads may hold locks, could deadlock).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bench.faults"])
    barrier = context.Barrier(writers)
    refused: multiprocessing.Queue[str] = context.Queue()
    questions = [f"Question {n}: how do I install community-bot?" for n in range(writers)]
    processes = [
        context.Process(target=_ask_once, args=(data_dir, q, barrier, refused)) for q in questions
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    refused_count = 0
    while not refused.empty():
        refused.get()
        refused_count += 1
    kept = asyncio.run(_history(data_dir))
    accepted = writers - refused_count
    return accepted - len(set(kept) & set(questions)), refused_count


def measure(quick: bool = False) -> list[Row]:
    turn_timeout_s = QUICK_TURN_TIMEOUT_S if quick else DEFAULT_TURN_TIMEOUT_S
    writers = QUICK_WRITERS if quick else WRITERS
    with tempfile.TemporaryDirectory() as folder:
        lost, refused = _lost_turns(Path(folder) / "writers", writers)
        with HangServer() as hang, _environment(aws_env(hang.url)):
            first_s = event_loop.run(_first_text_s(Path(folder) / "hang", hang.url, turn_timeout_s))
    if turn_timeout_s is None:
        name = "faults: question → first visible text, Bedrock hung (defaults)"
        target, goal = f"≤ {GOAL_FIRST_TEXT_S:g} s", GOAL_FIRST_TEXT_S
    else:
        name = (
            "faults: question → first visible text, Bedrock hung"
            f" (TURN_TIMEOUT_SECONDS={turn_timeout_s:g}, reduced)"
        )
        goal = turn_timeout_s + 2.0
        target = f"≤ {goal:g} s"
    return [
        Row(name, "s", value=first_s, target=target, passed=first_s <= goal),
        Row(
            f"faults: turns lost, {writers} processes on one channel",
            value=float(lost),
            target="0",
            passed=lost == 0,
        ),
        Row(
            f"faults: turns refused (busy), {writers} processes on one channel",
            value=float(refused),
        ),
    ]
