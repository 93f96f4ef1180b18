"""One turn at a time per conversation thread, across every process sharing DATABASE_URL.

Two messages in one channel, handled by two processes (or two hosts) at once, would both start
from the same checkpoint and the later save would silently drop the earlier turn. So a turn
holds a PostgreSQL advisory lock on its thread for its whole run: the other process waits (up
to `wait_s`), then starts from the checkpoint the first one saved.

Inside one process turns of a thread queue on an asyncio lock first, so a busy channel holds one
database connection, not one per waiting message. The advisory lock lives on its connection: a
process that dies mid-turn releases it at once (the server ends the session), and so does a lost
connection — then the thread is open to the next turn while this one fails, which the runtime
reports. Same shape as `community_bot.thread_lock` (the SQLite path's): `async with
locks.hold(thread_id)`, `ThreadBusyError` after a bounded wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from psycopg import OperationalError, errors
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from community_bot.storage.postgres import THREAD_LOCK_CLASS, DatabaseUnavailableError
from community_bot.thread_lock import ThreadBusyError

WAIT_S = 120.0  # a turn with retries and fallbacks ends well within this
CONNECT_WAIT_S = 30.0  # for a connection to hold the lock on: longer means the server is down


class PgThreadLocks:
    """Per-thread turn locks: an asyncio lock in this process, an advisory lock across them."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        wait_s: float = WAIT_S,
        connect_wait_s: float = CONNECT_WAIT_S,
    ) -> None:
        self._pool = pool
        self._wait_s = wait_s
        self._connect_wait_s = connect_wait_s
        self._local: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Hold `thread_id` for the block; ThreadBusyError if it stays taken past the wait."""
        deadline = time.monotonic() + self._wait_s
        local = self._local.setdefault(thread_id, asyncio.Lock())
        self._waiting[thread_id] = self._waiting.get(thread_id, 0) + 1
        try:
            try:
                await asyncio.wait_for(local.acquire(), self._wait_s)
            except TimeoutError:
                raise ThreadBusyError(
                    thread_id, self._wait_s, "a turn in another process"
                ) from None
            try:
                async with self._advisory(thread_id, deadline):
                    yield
            finally:
                local.release()
        finally:
            self._waiting[thread_id] -= 1
            if not self._waiting[thread_id]:
                del self._waiting[thread_id], self._local[thread_id]

    @asynccontextmanager
    async def _advisory(self, thread_id: str, deadline: float) -> AsyncIterator[None]:
        wait = min(max(deadline - time.monotonic(), 0.001), self._connect_wait_s)
        try:
            conn = await self._pool.getconn(timeout=wait)
        except PoolTimeout:
            raise DatabaseUnavailableError(
                f"DATABASE_URL: no connection for a turn in {thread_id} within {wait:.0f} s (the"
                " server is unreachable, or more turns run at once than the lock pool holds)"
            ) from None
        key = (THREAD_LOCK_CLASS, thread_id)
        try:  # the pool's connections wait at most lock_timeout (`pg_memory.lock_timeout`)
            try:
                await conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", key)
            except errors.LockNotAvailable:
                raise ThreadBusyError(
                    thread_id, self._wait_s, "a turn in another process"
                ) from None
            try:
                yield
            finally:
                # A lost connection took its locks with it: nothing left to unlock.
                with suppress(OperationalError):
                    await conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
        finally:
            await self._pool.putconn(conn)
