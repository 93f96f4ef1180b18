"""Where conversation memory lives: SQLite under DATA_DIR, or PostgreSQL at DATABASE_URL.

Both give the graph a checkpointer keeping each thread's latest checkpoint, a store for the
transcripts, turn locks (one writer per thread across processes: a lease row in SQLite, an
advisory lock in PostgreSQL) and the saved questions (each question is kept before any model is
called, so a crash mid-answer leaves it in memory).
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from community_bot.checkpoints import ThreadMemorySaver
from community_bot.pending import PendingQuestions, SqlitePendingQuestions
from community_bot.settings import MemorySettings
from community_bot.sqlite_store import sqlite_store_class
from community_bot.storage_faults import named
from community_bot.thread_lock import SqliteThreadLocks, ThreadLocks

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.store.base import BaseStore


@dataclass
class Memory:
    checkpointer: BaseCheckpointSaver[Any]
    store: BaseStore
    locks: ThreadLocks | None = None
    pending: PendingQuestions | None = None


async def open_memory(memory: MemorySettings, stack: AsyncExitStack) -> Memory:
    """Open the configured memory; `stack` closes it."""
    if memory.database_url is not None:
        from community_bot.storage.pg_memory import open_postgres_memory

        url = memory.database_url.get_secret_value()
        shared = await stack.enter_async_context(
            open_postgres_memory(url, memory.thread_lock_timeout_seconds)
        )
        return Memory(shared.checkpointer, shared.store, shared.locks, shared.pending)
    data, checkpoints = memory.data_dir, memory.checkpoint_path
    with named(checkpoints, "the conversation memory"):
        checkpointer = await stack.enter_async_context(  # creates its tables on opening
            ThreadMemorySaver.open(checkpoints)
        )
        # Transcripts share the checkpoint file: one file holds a channel's whole memory.
        store = await stack.enter_async_context(
            sqlite_store_class().from_conn_string(str(checkpoints))
        )
        await store.setup()
        pending = SqlitePendingQuestions(checkpoints)  # saved before the model is called
        stack.callback(pending.close)
    with named(data / "thread_locks.sqlite", "the thread lock file"):
        locks = SqliteThreadLocks(
            data / "thread_locks.sqlite", wait_s=memory.thread_lock_timeout_seconds
        )
    stack.callback(locks.close)
    return Memory(checkpointer, store, locks, pending)
