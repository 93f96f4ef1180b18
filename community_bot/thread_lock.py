"""One writer per conversation thread, across every process sharing the memory.

Why: LangGraph saves a thread's checkpoint optimistically, the last saver wins. Two processes
answering in one channel at once (two `community-bot ask --channel same`, a shard and a terminal
`ask` on `discord:<id>`, overlapping shards) each read the same history, add their turn and save:
one turn vanished without an error (20 concurrent writers kept 2 turns). A turn now holds its
thread's lock from before it reads the history until its last save, so turns on one thread run
one after another; a writer that waits longer than THREAD_LOCK_TIMEOUT_SECONDS gets a named
`ThreadBusyError` instead of losing a turn silently.

`ThreadLocks` is the interface; `SqliteThreadLocks` keeps a lease row per busy thread in a small
SQLite file in DATA_DIR (a PostgreSQL checkpointer pairs with an advisory-lock implementation).
A lease names its owner (host, pid) and expires unless its holder renews it, so a process killed
with `kill -9` blocks its thread for at most LEASE_S, and on the same host not even that: a dead
pid's lease is taken over at once. Taking and dropping a lease each take a worker-thread hop,
which costs more than the write itself; `hold_with` lets a caller's own small blocking work
share those two hops (`community_bot.turn_claim`: the turn's saved question).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from pathlib import Path
from typing import Protocol

from community_bot.errors import CommunityBotError
from community_bot.sqlite_wal import use_wal

log = logging.getLogger(__name__)

LEASE_S = 30.0  # a lease not renewed for this long is free (its holder died)
RENEW_EVERY_S = LEASE_S / 3
FIRST_PAUSE_S, LONGEST_PAUSE_S = 0.01, 0.25

SCHEMA = """
CREATE TABLE IF NOT EXISTS thread_locks (
    thread_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires REAL NOT NULL
)
"""


class ThreadBusyError(CommunityBotError):
    """Another writer kept the thread longer than this one was willing to wait."""

    def __init__(self, thread_id: str, waited_s: float, holder: str) -> None:
        self.thread_id = thread_id
        self.holder = holder
        super().__init__(
            f"thread {thread_id!r} is busy: another turn ({holder}) has held it for over"
            f" {waited_s:g} s, so this question was not sent (nothing was saved); ask again,"
            " or raise THREAD_LOCK_TIMEOUT_SECONDS"
        )


class ThreadLocks(Protocol):
    """Per-thread mutual exclusion shared by every process that writes the same memory."""

    def hold(self, thread_id: str) -> AbstractAsyncContextManager[None]:
        """Hold `thread_id` for the body; waits its turn, or raises `ThreadBusyError`."""
        ...


class SqliteThreadLocks:
    """`ThreadLocks` as lease rows in a SQLite file; see the module docstring."""

    def __init__(self, path: Path, *, wait_s: float, lease_s: float = LEASE_S) -> None:
        self._path = path
        self._wait_s = wait_s
        self._lease_s = lease_s
        self._host = socket.gethostname()
        self._pid = os.getpid()
        self._local: dict[str, asyncio.Lock] = {}  # writers of this process queue here first
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5)
        self._db_lock = threading.Lock()  # one connection, used from worker threads in turn
        use_wal(self._db)
        # A lease lost to a power cut is harmless (its holder died with the machine): no fsync.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def hold(self, thread_id: str) -> AbstractAsyncContextManager[None]:
        return self.hold_with(thread_id, _nothing, _nothing)

    @asynccontextmanager
    async def hold_with(
        self, thread_id: str, on_take: Callable[[], None], on_release: Callable[[], None]
    ) -> AsyncIterator[None]:
        """`hold`, with the caller's blocking work done in the same worker-thread calls: `on_take`
        right after the lease is taken (if it raises, the lease is dropped and the error
        raised), `on_release` right before it is dropped (the lease is dropped even if it
        raises)."""
        local = self._local.setdefault(thread_id, asyncio.Lock())
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._wait_s):
                await local.acquire()
        except TimeoutError:
            raise ThreadBusyError(thread_id, self._wait_s, "a turn in this process") from None
        try:
            owner = await self._acquire(thread_id, started, on_take)
            every_s = min(RENEW_EVERY_S, self._lease_s / 3)
            renewal = _Renewal(lambda: self._renew(thread_id, owner), every_s)
            try:
                yield
            finally:
                await renewal.stop()
                await asyncio.to_thread(self._release_after, thread_id, owner, on_release)
        finally:
            local.release()
            if not local.locked() and self._local.get(thread_id) is local:
                del self._local[thread_id]

    async def _acquire(self, thread_id: str, started: float, then: Callable[[], None]) -> str:
        owner = uuid.uuid4().hex
        pause = FIRST_PAUSE_S
        while True:
            holder = await asyncio.to_thread(self._take_then, thread_id, owner, then)
            if holder is None:
                return owner
            if time.monotonic() - started + pause > self._wait_s:
                raise ThreadBusyError(thread_id, self._wait_s, holder)
            await asyncio.sleep(pause)  # another process's turn: back off, then look again
            pause = min(pause * 2, LONGEST_PAUSE_S)

    def _take_then(self, thread_id: str, owner: str, then: Callable[[], None]) -> str | None:
        """`_try_take`, then `then()` once the lease is ours."""
        holder = self._try_take(thread_id, owner)
        if holder is None:
            try:
                then()
            except BaseException:
                self._release(thread_id, owner)
                raise
        return holder

    def _try_take(self, thread_id: str, owner: str) -> str | None:
        """Take the lease in one write transaction; None when taken, else who holds it."""
        with self._db_lock:
            try:
                return self._take(thread_id, owner)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                return "another process (the lock file is busy)"

    def _take(self, thread_id: str, owner: str) -> str | None:
        now = time.time()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            row = self._db.execute(
                "SELECT host, pid, expires FROM thread_locks WHERE thread_id = ?", (thread_id,)
            ).fetchone()
            if row is not None and row[2] > now and not self._dead(row[0], row[1]):
                return f"pid {row[1]} on {row[0]}"
            self._db.execute(
                "INSERT OR REPLACE INTO thread_locks VALUES (?, ?, ?, ?, ?)",
                (thread_id, owner, self._host, self._pid, now + self._lease_s),
            )
            return None
        finally:
            self._db.execute("COMMIT")

    def _dead(self, host: str, pid: int) -> bool:
        """A holder on this host whose process is gone (killed before it could release)."""
        if host != self._host:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    async def _renew(self, thread_id: str, owner: str) -> None:
        try:
            await asyncio.to_thread(self._extend, thread_id, owner)
        except sqlite3.Error as exc:  # the next renewal may succeed; the turn goes on
            log.warning("could not renew the lock of thread %r: %s", thread_id, exc)

    def _extend(self, thread_id: str, owner: str) -> None:
        with self._db_lock:
            self._db.execute(
                "UPDATE thread_locks SET expires = ? WHERE thread_id = ? AND owner = ?",
                (time.time() + self._lease_s, thread_id, owner),
            )

    def _release_after(self, thread_id: str, owner: str, first: Callable[[], None]) -> None:
        try:
            first()
        finally:
            self._release(thread_id, owner)

    def _release(self, thread_id: str, owner: str) -> None:
        with self._db_lock:
            self._db.execute(
                "DELETE FROM thread_locks WHERE thread_id = ? AND owner = ?", (thread_id, owner)
            )


def _nothing() -> None:
    """No work of the caller's to share a hop with."""


class _Renewal:
    """Renews a held lease every `every_s` seconds until stopped.

    A timer rather than a task that sleeps: nearly every turn ends long before its first
    renewal, and a timer set and cancelled costs a fraction of a task started and cancelled.
    """

    def __init__(self, renew: Callable[[], Awaitable[None]], every_s: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._renew = renew
        self._every_s = every_s
        self._running: asyncio.Task[None] | None = None
        self._timer = self._loop.call_later(every_s, self._start)

    def _start(self) -> None:
        self._running = self._loop.create_task(self._renew_then_rearm())

    async def _renew_then_rearm(self) -> None:
        await self._renew()
        self._timer = self._loop.call_later(self._every_s, self._start)

    async def stop(self) -> None:
        """No renewal after this returns (one under way is cancelled and awaited)."""
        self._timer.cancel()
        running = self._running
        if running is not None and not running.done():
            running.cancel()
            with suppress(asyncio.CancelledError):
                await running
