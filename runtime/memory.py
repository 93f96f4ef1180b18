"""Where conversation memory lives: SQLite under DATA_DIR, or PostgreSQL at DATABASE_URL.

Both give the graph a checkpointer keeping each thread's latest checkpoint and a store for the
transcripts. PostgreSQL also gives turn locks (one writer per thread across processes and
hosts); on SQLite the processes sharing DATA_DIR are on one machine.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langgraph.store.sqlite.aio import AsyncSqliteStore

from community_bot.checkpoints import ThreadMemorySaver
from community_bot.settings import Settings

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.store.base import BaseStore

    from runtime.conversation import TurnLocks


@dataclass
class Memory:
    checkpointer: BaseCheckpointSaver[Any]
    store: BaseStore
    locks: TurnLocks | None = None


async def open_memory(settings: Settings, stack: AsyncExitStack) -> Memory:
    """Open the configured memory; `stack` closes it."""
    if settings.database_url is not None:
        from community_bot.storage.pg_memory import open_postgres_memory

        url = settings.database_url.get_secret_value()
        shared = await stack.enter_async_context(open_postgres_memory(url))
        return Memory(shared.checkpointer, shared.store, shared.locks)
    checkpointer = await stack.enter_async_context(  # creates its tables on opening
        ThreadMemorySaver.open(settings.checkpoint_path)
    )
    # Transcripts share the checkpoint file: one file holds a channel's whole memory.
    store = await stack.enter_async_context(
        AsyncSqliteStore.from_conn_string(str(settings.checkpoint_path))
    )
    await store.setup()
    return Memory(checkpointer, store)
