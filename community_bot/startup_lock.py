"""Processes that share DATA_DIR (shards of one bot) go through start-up one at a time.

Once open, the SQLite files are safe to share: every connection waits out another process's
write (a busy timeout). Opening them for the first time is not: SQLite refuses to switch a new
file to WAL while another process is doing the same ("database is locked"), LangGraph's store
applies its migrations outside a transaction (both processes add the same column), and two syncs
of one knowledge folder insert the same documents. So start-up holds an exclusive lock; a second
process waits, then finds the schemas made and the local index already in sync.

The lock is an exclusive SQLite transaction on a file of its own: it works wherever SQLite does
(fcntl would not on Windows), and the operating system releases it if its holder dies.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from community_bot.errors import CommunityBotError

LOCK_FILE = "startup.lock"
# A first start syncs the whole local knowledge base under the lock; a later one takes a second.
WAIT_S = 600.0


@asynccontextmanager
async def one_process_at_a_time(data_dir: Path, wait_s: float = WAIT_S) -> AsyncIterator[None]:
    """Hold DATA_DIR's start-up lock for the block, waiting up to `wait_s` for another holder."""
    path = data_dir / LOCK_FILE
    lock = sqlite3.connect(path, timeout=wait_s, isolation_level=None, check_same_thread=False)
    try:
        try:
            await asyncio.to_thread(lock.execute, "BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            raise CommunityBotError(
                f"DATA_DIR: another process sharing {data_dir} has been starting for over"
                f" {wait_s:.0f} s (it holds {path})"
            ) from None
        try:
            yield
        finally:
            lock.execute("ROLLBACK")
    finally:
        lock.close()
