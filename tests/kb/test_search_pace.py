"""Where the local index's search runs: on the event loop only while it is known to be quick.

A hop to a worker thread costs more than a quick search, but a slow search on the loop stalls
every channel; `SearchPace` decides from timings it keeps revisiting (see `kb.pacing`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from blockbuster import BlockBuster

from community_bot.kb import Knowledge, LocalIndex
from community_bot.kb.documents import Document
from community_bot.kb.embedding import Vectors
from community_bot.kb.pacing import DECAY, Mark, SearchPace, loop_seconds, mark
from community_bot.settings import KnowledgeSettings
from tests.kb.letters import letter_vectors

QUICK = 0.0001  # seconds


def test_nothing_runs_on_the_loop_before_a_search_was_timed() -> None:
    pace = SearchPace(limit_seconds=0.003)
    assert not pace.measured
    assert not pace.inline("1")


def test_a_quick_search_lets_the_next_at_the_same_version_run_on_the_loop() -> None:
    pace = SearchPace(limit_seconds=0.003)
    pace.record("1", 0.150)  # the first at a version read the vector matrix: not its cost
    assert not pace.inline("1")
    pace.record("1", QUICK)
    assert pace.inline("1")
    assert not pace.inline("2")  # the index changed: its cost is unknown again
    assert not pace.inline(None)


def test_a_changed_index_runs_its_first_search_on_a_worker_then_keeps_the_estimate() -> None:
    pace = SearchPace(limit_seconds=0.003)
    pace.record("1", QUICK)
    pace.record("1", QUICK)
    assert not pace.inline("2")
    pace.record("2", 0.150)
    assert pace.inline("2")


def test_one_slow_search_sends_the_next_to_a_worker_and_quick_ones_bring_it_back() -> None:
    pace = SearchPace(limit_seconds=0.003)
    pace.record("1", QUICK)
    pace.record("1", QUICK)
    pace.record("1", 0.030)
    assert not pace.inline("1")
    back_after = 0
    while not pace.inline("1"):
        pace.record("1", QUICK)
        back_after += 1
        assert back_after < 100, "the verdict was never revisited"
    # 30 ms decays under 3 ms in log(0.1) / log(DECAY) quick searches, give or take one
    assert back_after == pytest.approx(np.log(0.1) / np.log(DECAY), abs=1.5)


def test_a_search_preempted_by_other_processes_costs_the_loop_only_its_cpu() -> None:
    now = mark()
    # as if it started 10 s ago by the wall clock, and its thread neither ran nor blocked since
    preempted = Mark(now.wall - 10.0, time.thread_time(), now.blocks)
    if now.blocks is None:  # no per-thread counts (not Linux): the wall clock, to be safe
        assert loop_seconds(preempted) >= 10.0
    else:
        assert loop_seconds(preempted) < 1.0


def test_a_search_that_blocked_costs_the_loop_its_wall_time() -> None:
    started = mark()
    time.sleep(0.02)  # e.g. a read from a cold disk: the thread waits, using no CPU
    assert loop_seconds(started) >= 0.02


class ThreadNotingEmbedder:
    """Letter-count vectors; notes the thread of every question it embeds, and can be slow."""

    name = "letters"

    def __init__(self, *, in_process: bool) -> None:
        self.in_process = in_process
        self.threads: list[threading.Thread] = []
        self.delay_seconds = 0.0

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) == 1:  # a question; passages come in batches while indexing
            self.threads.append(threading.current_thread())
            time.sleep(self.delay_seconds)  # a slow model, not a wait for anything
        return letter_vectors(texts)


def documents(topic: str) -> list[Document]:
    return [
        Document(f"{topic}-{n}.md", f"# {topic} {n}\n\nHow to {topic} step {n}.", topic, topic)
        for n in range(5)
    ]


def knowledge(tmp_path: Path, embedder: ThreadNotingEmbedder, limit_seconds: float) -> Knowledge:
    index = LocalIndex(tmp_path / "index.sqlite", embedder)
    index.replace_documents("docs", documents("install"))
    return Knowledge([index], KnowledgeSettings(), SearchPace(limit_seconds))


def on_loop(thread: threading.Thread) -> bool:
    return thread is threading.main_thread()  # pytest-asyncio runs the loop there


async def test_the_first_searches_run_on_a_worker_and_quick_ones_then_on_the_loop(
    tmp_path: Path,
) -> None:
    embedder = ThreadNotingEmbedder(in_process=True)
    kb = knowledge(tmp_path, embedder, limit_seconds=10.0)
    for number in range(4):
        passages, _ = await kb.retrieve(f"install step {number}")
        assert passages
    # the first paid the one-time costs, the second was timed
    assert [on_loop(t) for t in embedder.threads] == [False, False, True, True]


async def test_a_remote_embedding_model_is_never_asked_from_the_loop(tmp_path: Path) -> None:
    embedder = ThreadNotingEmbedder(in_process=False)
    kb = knowledge(tmp_path, embedder, limit_seconds=10.0)
    for number in range(3):
        await kb.retrieve(f"install step {number}")
    assert [on_loop(t) for t in embedder.threads] == [False, False, False]


async def test_the_first_search_after_the_index_changed_runs_on_a_worker(tmp_path: Path) -> None:
    embedder = ThreadNotingEmbedder(in_process=True)
    kb = knowledge(tmp_path, embedder, limit_seconds=10.0)
    for number in range(3):
        await kb.retrieve(f"install step {number}")
    assert kb.local is not None
    kb.local.replace_documents("docs", documents("upgrade"))  # e.g. a `kb sync` elsewhere
    passages, _ = await kb.retrieve("upgrade step three")
    assert passages and passages[0]["title"] == "upgrade"
    await kb.retrieve("upgrade step four")
    assert [on_loop(t) for t in embedder.threads] == [False, False, True, False, True]


async def test_a_slow_search_sends_the_next_ones_to_a_worker_until_they_are_quick_again(
    tmp_path: Path,
) -> None:
    embedder = ThreadNotingEmbedder(in_process=True)
    kb = knowledge(tmp_path, embedder, limit_seconds=0.010)
    await kb.retrieve("install step one")
    await kb.retrieve("install step two")  # timed on a worker
    embedder.delay_seconds = 0.050  # e.g. the disk went cold: on the loop, it stalled 50 ms
    await kb.retrieve("install step three")
    embedder.delay_seconds = 0.0
    for number in range(12):
        await kb.retrieve(f"install step {number}")
    where = [on_loop(t) for t in embedder.threads]
    assert where[:4] == [False, False, True, False]
    assert where[-1], f"never back on the loop: {where}"


@contextmanager
def sqlite_refused_on_the_loop() -> Iterator[None]:
    """What `langgraph dev` does to the loop that runs the graph (blockbuster), for SQLite."""
    guard = BlockBuster()
    refusing = [f for name, f in guard.functions.items() if name.startswith("sqlite3.")]
    for function in refusing:
        function.activate()
    try:
        yield
    finally:
        for function in refusing:
            function.deactivate()


async def test_a_loop_that_refuses_blocking_calls_gets_every_search_done_on_a_worker(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = ThreadNotingEmbedder(in_process=True)
    kb = knowledge(tmp_path, embedder, limit_seconds=10.0)
    for number in range(2):
        await kb.retrieve(f"install step {number}")  # timed: the next would run on the loop
    with caplog.at_level(logging.INFO), sqlite_refused_on_the_loop():
        found = [await kb.retrieve(f"install step {number}") for number in range(2, 40)]
    assert all(passages for passages, _ in found)
    assert not any(on_loop(t) for t in embedder.threads)
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]  # no warning per search
