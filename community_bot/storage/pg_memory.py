"""Conversation memory on PostgreSQL: LangGraph's own saver and store, latest checkpoint only.

`LatestPostgresSaver` is LangGraph's `AsyncPostgresSaver` with two changes, both for the same
guarantees the SQLite path gives (`community_bot.checkpoints`):

- latest only: saving a checkpoint prunes its thread to that checkpoint (LangGraph's own
  `aprune(..., strategy="keep_latest")`, blobs and pending writes included), so a channel's
  rows stay the size of its live conversation however long it talks;
- a lost connection is retried once: every statement the saver sends is an upsert or a read, so
  sending it again on a fresh pooled connection (the pool checks a connection before lending it)
  is safe. A server that stays unreachable fails the turn, which the runtime reports.

One writer per thread is not the saver's job: `PgThreadLocks` holds an advisory lock for the
turn. Transcripts (messages the summary absorbed) go to LangGraph's `AsyncPostgresStore`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.store.postgres.aio import AsyncPostgresStore
from psycopg import OperationalError
from psycopg_pool import AsyncConnectionPool

from community_bot.storage.pg_thread_lock import PgThreadLocks
from community_bot.storage.postgres import (
    CONNECTION_KWARGS,
    DatabaseUnavailableError,
    connect,
    prepare_schema,
    redact,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

POOL_SIZE = 4  # the saver and the store each send one statement at a time (one lock each)
LOCK_POOL_SIZE = 64  # threads mid-turn at once in one process (one held connection each)
POOL_WAIT_S = 30.0
# Connection exceptions, the server ending a session (failover, pg_terminate_backend), and a
# serialization failure (a prune racing another); a statement without a state never arrived.
RETRIED_STATES = ("08", "57P", "40001")


class LatestPostgresSaver(AsyncPostgresSaver):
    """`AsyncPostgresSaver` keeping each thread's latest checkpoint, retrying a lost connection."""

    async def _again_if_lost(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except OperationalError as exc:  # includes a serialization failure of a concurrent prune
            if exc.sqlstate is not None and not exc.sqlstate.startswith(RETRIED_STATES):
                raise
            log.warning("checkpoint %s failed (%s); retrying once", what, exc)
            return await call()

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._again_if_lost(
            "read", lambda: super(LatestPostgresSaver, self).aget_tuple(config)
        )

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save `checkpoint`, then drop what it supersedes in its thread."""
        base = AsyncPostgresSaver
        saved = await self._again_if_lost(
            "save", lambda: base.aput(self, config, checkpoint, metadata, new_versions)
        )
        thread_id = str(config["configurable"]["thread_id"])
        await self._again_if_lost("prune", lambda: base.aprune(self, [thread_id]))
        return saved

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await self._again_if_lost(
            "write",
            lambda: AsyncPostgresSaver.aput_writes(self, config, writes, task_id, task_path),
        )


@dataclass
class PostgresMemory:
    """What `open_postgres_memory` opens: the checkpointer, the transcript store, turn locks."""

    checkpointer: LatestPostgresSaver
    store: AsyncPostgresStore
    locks: PgThreadLocks


@asynccontextmanager
async def open_postgres_memory(url: str) -> AsyncIterator[PostgresMemory]:
    """Pools on DATABASE_URL, the schema prepared (idempotent, one process at a time)."""
    async with connect(url):  # an unreachable server fails now, with its reason, not in 30 s
        pass
    pool = _pool(url, POOL_SIZE, "community-bot-memory")
    lock_pool = _pool(url, LOCK_POOL_SIZE, "community-bot-locks")
    async with pool, lock_pool:
        await _wait_open(pool, url)
        saver = LatestPostgresSaver(pool)
        store = AsyncPostgresStore(pool)
        await prepare_schema(url, saver.setup, store.setup)
        yield PostgresMemory(saver, store, PgThreadLocks(lock_pool))


def _pool(url: str, size: int, name: str) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(
        url,
        kwargs=CONNECTION_KWARGS,
        min_size=1,
        max_size=size,
        open=False,
        name=name,
        timeout=POOL_WAIT_S,
        check=AsyncConnectionPool.check_connection,  # a connection the server dropped is replaced
    )


async def _wait_open(pool: AsyncConnectionPool[Any], url: str) -> None:
    try:
        await pool.wait(timeout=POOL_WAIT_S)
    except Exception as exc:  # PoolTimeout: psycopg's reason is in the log
        raise DatabaseUnavailableError(
            f"DATABASE_URL: cannot connect to {redact(url)} ({type(exc).__name__})"
        ) from None
