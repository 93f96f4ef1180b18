"""A turn's lock and saved question, taken and let go together (`community_bot.turn_claim`), on the
real SQLite files: what a failing turn leaves behind, and what a question that cannot be saved
does to its thread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from community_bot.pending import SqlitePendingQuestions
from community_bot.thread_lock import SqliteThreadLocks
from community_bot.turn_claim import SqliteTurnClaims, turn_claims


def question(text: str) -> HumanMessage:
    return HumanMessage(content=text, id=text)


def open_claims(tmp_path: Path) -> tuple[SqliteThreadLocks, SqlitePendingQuestions]:
    locks = SqliteThreadLocks(tmp_path / "thread_locks.sqlite", wait_s=0.5)
    pending = SqlitePendingQuestions(tmp_path / "memory.sqlite")
    return locks, pending


def test_the_sqlite_pair_gets_the_two_hop_claims(tmp_path: Path) -> None:
    locks, pending = open_claims(tmp_path)
    try:
        assert isinstance(turn_claims(locks, pending), SqliteTurnClaims)
    finally:
        locks.close()
        pending.close()


async def test_a_failed_turn_keeps_its_question_and_frees_its_thread(tmp_path: Path) -> None:
    locks, pending = open_claims(tmp_path)
    claims = turn_claims(locks, pending)
    try:
        with pytest.raises(RuntimeError, match="model exploded"):
            async with claims.claim("t", question("first")) as claim:
                assert claim.carried == []
                raise RuntimeError("model exploded")
        assert [m.content for m in await pending.pending("t")] == ["first"]

        async with claims.claim("t", question("second")) as claim:  # not busy: released
            assert [m.content for m in claim.carried] == ["first"]
            assert [m.content for m in await pending.pending("t")] == ["first", "second"]
            claim.answered = True
        assert await pending.pending("t") == []
    finally:
        locks.close()
        pending.close()


async def test_a_turn_not_marked_answered_leaves_its_question_saved(tmp_path: Path) -> None:
    locks, pending = open_claims(tmp_path)
    claims = turn_claims(locks, pending)
    try:
        async with claims.claim("t", question("asked")):
            pass  # the runtime stopped reading before the answer was saved
        assert [m.content for m in await pending.pending("t")] == ["asked"]
    finally:
        locks.close()
        pending.close()


async def test_a_question_that_cannot_be_saved_is_refused_and_frees_its_thread(
    tmp_path: Path,
) -> None:
    locks, pending = open_claims(tmp_path)
    pending.close()  # the memory file is gone from under the turn
    try:
        with pytest.raises(sqlite3.ProgrammingError):
            async with turn_claims(locks, pending).claim("t", question("lost")):
                raise AssertionError("the turn ran without its question saved")
        async with locks.hold("t"):  # the lease taken in the same hop was dropped
            with sqlite3.connect(tmp_path / "thread_locks.sqlite") as db:
                assert db.execute("SELECT count(*) FROM thread_locks").fetchone() == (1,)
        with sqlite3.connect(tmp_path / "thread_locks.sqlite") as db:
            assert db.execute("SELECT count(*) FROM thread_locks").fetchone() == (0,)
    finally:
        locks.close()
