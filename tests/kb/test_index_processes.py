"""Processes sharing DATA_DIR (shards, `kb index` beside a running bot) sync one index safely."""

from __future__ import annotations

import multiprocessing
import sqlite3
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from community_bot.kb.folders import knowledge_files, sync_folder
from community_bot.kb.index import LocalIndex
from community_bot.sqlite_wal import use_wal

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
ROUNDS = 8  # each a fresh index; before the fixes about half the rounds failed


def _sync(path: Path, start: Barrier, outcomes: Queue[str]) -> None:
    try:
        index = LocalIndex(path)
        start.wait()
        sync_folder(index, KNOWLEDGE)
        index.close()
        outcomes.put("ok")
    except Exception as exc:  # reported to the test, which names it
        outcomes.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_syncing_a_new_index_at_once_both_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")  # the test's imports, no second start-up
    outcomes: list[str] = []
    for round_number in range(ROUNDS):
        path = tmp_path / f"round-{round_number}" / "knowledge.sqlite"
        start, results = context.Barrier(2), context.Queue()
        workers = [context.Process(target=_sync, args=(path, start, results)) for _ in "ab"]
        for worker in workers:
            worker.start()
        outcomes += [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join()
        with sqlite3.connect(path) as check:
            (documents,) = check.execute("SELECT count(*) FROM documents").fetchone()
        assert documents == len(knowledge_files(KNOWLEDGE))  # each file indexed once

    assert outcomes == ["ok"] * 2 * ROUNDS


def test_switching_to_wal_gives_up_with_sqlites_error_after_waiting(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of its own change
    waiting = sqlite3.connect(path, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            use_wal(waiting, wait_s=0.05)
        holder.execute("COMMIT")
        use_wal(waiting)
        assert waiting.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        waiting.close()
        holder.close()
