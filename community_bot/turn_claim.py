"""A turn's claim on its thread: its lock and its saved question, taken and let go together.

Every turn holds its thread's lock (`community_bot.thread_lock`) and saves its question before
any model is called (`community_bot.pending`); once the turn's checkpoint is saved, the question
is cleared and the lock released. On SQLite each of those four steps was a small write on a
worker thread, and the hop to the thread cost more than the write (about 70 µs of CPU for an
empty hop here, 20 µs for the write): now the lease and the question share one hop before the
graph runs, and the cleared question and the dropped lease one hop after. The writes themselves,
and what each guarantees, are unchanged. Other stores (PostgreSQL: an advisory lock and a table,
no worker threads) take the steps one after another, as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.messages import BaseMessage

from community_bot.pending import PendingQuestions, SqlitePendingQuestions
from community_bot.thread_lock import SqliteThreadLocks, ThreadLocks


@dataclass
class Claim:
    """What a turn holds while it runs."""

    carried: list[BaseMessage] = field(default_factory=list)  # earlier unanswered, oldest first
    # Set once the turn's checkpoint is saved: letting go then clears the saved questions. A turn
    # that fails, or stops early, leaves them for the next turn.
    answered: bool = False


class TurnClaims(Protocol):
    def claim(self, thread_id: str, question: BaseMessage) -> AbstractAsyncContextManager[Claim]:
        """Hold the thread (waiting its turn, or `ThreadBusyError` with nothing saved), save
        `question` with the thread's earlier unanswered ones, run the body; on leaving, clear
        the saved questions if the body set `answered`, and release the thread."""
        ...


def turn_claims(locks: ThreadLocks | None, pending: PendingQuestions | None) -> TurnClaims:
    """The claims for these locks and saved questions; on SQLite, two hops a turn."""
    if isinstance(locks, SqliteThreadLocks) and isinstance(pending, SqlitePendingQuestions):
        return SqliteTurnClaims(locks, pending)
    return SeparateTurnClaims(locks, pending)


class SeparateTurnClaims:
    """The lock, then the question, each on its own (either may be absent)."""

    def __init__(self, locks: ThreadLocks | None, pending: PendingQuestions | None) -> None:
        self._locks = locks
        self._pending = pending

    @asynccontextmanager
    async def claim(self, thread_id: str, question: BaseMessage) -> AsyncIterator[Claim]:
        held = self._locks.hold(thread_id) if self._locks is not None else nullcontext()
        async with held:
            pending = self._pending
            claim = Claim(await pending.carry(thread_id, question) if pending else [])
            yield claim
            if claim.answered and pending is not None:
                await pending.answered(thread_id)


class SqliteTurnClaims:
    """The lease and the question in one worker-thread call, the cleared question and the
    dropped lease in one more (two SQLite files, so two commits each time)."""

    def __init__(self, locks: SqliteThreadLocks, pending: SqlitePendingQuestions) -> None:
        self._locks = locks
        self._pending = pending

    @asynccontextmanager
    async def claim(self, thread_id: str, question: BaseMessage) -> AsyncIterator[Claim]:
        claim = Claim()

        def save() -> None:
            claim.carried = self._pending.carry_blocking(thread_id, question)

        def clear() -> None:
            if claim.answered:
                self._pending.answered_blocking(thread_id)

        async with self._locks.hold_with(thread_id, save, clear):
            yield claim
