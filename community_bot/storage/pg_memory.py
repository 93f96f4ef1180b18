"""Conversation memory on PostgreSQL: LangGraph's own saver and store, latest checkpoint only.

`LatestPostgresSaver` is LangGraph's `AsyncPostgresSaver` with three changes, as the SQLite
path's saver has them (`community_bot.checkpoints`):

- latest only: saving a checkpoint drops the thread's older checkpoints, their pending writes
  and the blobs (channel values) the new one no longer uses, so a channel's rows stay the size
  of its live conversation however long it talks;
- a lost connection is retried once: every statement the saver sends is an upsert, a read or a
  delete of what the new checkpoint supersedes, so it is sent again once the pool has replaced
  every connection the server dropped. A server that stays unreachable fails the turn, which
  the runtime reports;
- the latest state stays in memory: a turn starts by reading what the turn before saved, so a
  read first checks, with one indexed look-up, that the thread's latest checkpoint id in the
  database is still the one this process saved (another process's save is never missed), and
  only then skips fetching and deserialising it (`community_bot.latest_states`).

One writer per thread is not the saver's job: `PgThreadLocks` holds an advisory lock for the
turn. Transcripts (messages the summary absorbed) go to LangGraph's `AsyncPostgresStore`.
"""

from __future__ import annotations

import json
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
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.store.postgres.aio import AsyncPostgresStore
from psycopg import AsyncConnection, OperationalError
from psycopg_pool import AsyncConnectionPool

from community_bot.latest_states import LatestStates, thread_key
from community_bot.storage.pg_pending import PgPendingQuestions
from community_bot.storage.pg_thread_lock import WAIT_S as LOCK_WAIT_S
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
# serialization failure; a statement without a state never reached the server.
RETRIED_STATES = ("08", "57P", "40001")


# Checkpoint ids grow with time (the saver's own look-up of the latest takes the highest), and
# one turn at a time writes a thread (PgThreadLocks), so "older" is "lower id". LangGraph's own
# `aprune(strategy="keep_latest")` does the same more generally (any writer, subgraph calls) in
# a serialisable transaction of several statements: ~50 ms a turn on a loaded 2-core machine,
# against a few ms for these three in one pipeline (`python -m bench --only postgres`).
DROP_OLDER_CHECKPOINTS = """
DELETE FROM checkpoints WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id < %s
"""
DROP_OLDER_WRITES = """
DELETE FROM checkpoint_writes WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id < %s
"""
HAS_WRITES = """
SELECT 1 FROM checkpoint_writes WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id = %s
LIMIT 1
"""
LATEST_ID = """
SELECT checkpoint_id FROM checkpoints WHERE thread_id = %s AND checkpoint_ns = %s
ORDER BY checkpoint_id DESC LIMIT 1
"""
DROP_UNUSED_BLOBS = """
DELETE FROM checkpoint_blobs b
WHERE b.thread_id = %(thread)s AND b.checkpoint_ns = %(ns)s AND NOT EXISTS (
    SELECT 1 FROM checkpoints c, jsonb_each_text(c.checkpoint -> 'channel_versions') v
    WHERE c.thread_id = %(thread)s AND c.checkpoint_ns = %(ns)s AND c.checkpoint_id = %(id)s
        AND v.key = b.channel AND v.value = b.version
)
"""


class LatestPostgresSaver(AsyncPostgresSaver):
    """`AsyncPostgresSaver` keeping each thread's latest checkpoint, retrying a lost connection."""

    async def _again_if_lost(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except OperationalError as exc:  # includes a serialization failure of a concurrent prune
            if exc.sqlstate is not None and not exc.sqlstate.startswith(RETRIED_STATES):
                raise
            log.warning("checkpoint %s failed (%s); retrying once", what, exc)
            if isinstance(self.conn, AsyncConnectionPool):
                await self.conn.check()  # replaces every connection the server dropped
            return await call()

    def __init__(self, conn: AsyncConnectionPool[Any]) -> None:
        super().__init__(conn)
        self._latest = LatestStates()

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The thread's latest checkpoint from memory when the database still has it as latest
        (one indexed look-up); anything else (a given id, another process's save) from there."""
        candidate = self._latest.candidate(config)
        if candidate is not None:
            key = thread_key(config)
            stored = await self._again_if_lost("read", lambda: self._latest_id(*key))
            latest = self._latest.confirmed(candidate, stored)
            if latest is not None:
                return latest
        return await self._again_if_lost(
            "read", lambda: super(LatestPostgresSaver, self).aget_tuple(config)
        )

    async def _latest_id(self, thread_id: str, checkpoint_ns: str) -> str | None:
        async with self._cursor() as cur:
            await cur.execute(LATEST_ID, (thread_id, checkpoint_ns))
            row = await cur.fetchone()
        return None if row is None else str(row["checkpoint_id"])

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
        key = thread_key(saved)
        written_ahead = await self._again_if_lost(
            "prune", lambda: self._drop_superseded(*key, checkpoint["id"])
        )
        # Kept as `aget_tuple` would read it back: metadata through JSON, no pending writes.
        stored = json.loads(json.dumps(get_serializable_checkpoint_metadata(config, metadata)))
        self._latest.saved(config, checkpoint, stored, written_ahead=written_ahead)
        return saved

    async def _drop_superseded(self, thread_id: str, checkpoint_ns: str, latest: str) -> bool:
        """One round trip: older checkpoints, their writes, blobs the latest does not use.
        Whether the latest already has pending writes (LangGraph may store them first)."""
        key = (thread_id, checkpoint_ns, latest)
        async with self._cursor(pipeline=True) as cur:
            await cur.execute(DROP_OLDER_CHECKPOINTS, key)
            await cur.execute(DROP_OLDER_WRITES, key)
            await cur.execute(
                DROP_UNUSED_BLOBS, {"thread": thread_id, "ns": checkpoint_ns, "id": latest}
            )
            await cur.execute(HAS_WRITES, key)
            return await cur.fetchone() is not None

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Pending writes belong to a checkpoint in the database: read it from there next."""
        self._latest.forget(thread_key(config))
        await self._again_if_lost(
            "write",
            lambda: AsyncPostgresSaver.aput_writes(self, config, writes, task_id, task_path),
        )

    async def adelete_thread(self, thread_id: str) -> None:
        self._latest.forget_thread(str(thread_id))
        await AsyncPostgresSaver.adelete_thread(self, thread_id)


@dataclass
class PostgresMemory:
    """What `open_postgres_memory` opens: the checkpointer, the transcript store, turn locks."""

    checkpointer: LatestPostgresSaver
    store: AsyncPostgresStore
    locks: PgThreadLocks
    pending: PgPendingQuestions


@asynccontextmanager
async def open_postgres_memory(
    url: str, lock_wait_s: float = LOCK_WAIT_S
) -> AsyncIterator[PostgresMemory]:
    """Pools on DATABASE_URL, the schema prepared (idempotent, one process at a time).

    `lock_wait_s` (THREAD_LOCK_TIMEOUT_SECONDS) bounds a turn's wait for its thread, both in this
    process and for the advisory lock another process holds.
    """
    async with connect(url):  # an unreachable server fails now, with its reason, not in 30 s
        pass
    # The saver is used twice a turn: it skips the pool's check (a round trip per use) and
    # checks the pool only after a failure. The store (summaries, history) and the locks check.
    pool = _pool(url, POOL_SIZE, "community-bot-memory", checked=False)
    store_pool = _pool(url, POOL_SIZE, "community-bot-store")
    lock_pool = _pool(
        url, LOCK_POOL_SIZE, "community-bot-locks", configure=lock_timeout(lock_wait_s)
    )
    async with pool, store_pool, lock_pool:
        await _wait_open(pool, url)
        saver = LatestPostgresSaver(pool)
        store = AsyncPostgresStore(store_pool)
        await prepare_schema(url, saver.setup, store.setup)
        locks = PgThreadLocks(lock_pool, lock_wait_s)
        yield PostgresMemory(saver, store, locks, PgPendingQuestions(store_pool))


def lock_timeout(wait_s: float) -> Callable[[AsyncConnection[Any]], Awaitable[None]]:
    """A lock pool's `configure`: a turn waits `wait_s` for its thread's advisory lock, the
    server's lock_timeout, set once per lock connection (no extra round trip per turn)."""

    async def configure(conn: AsyncConnection[Any]) -> None:
        await conn.execute(f"SET lock_timeout = '{wait_s * 1000:.0f}ms'")

    return configure


def _pool(
    url: str,
    size: int,
    name: str,
    *,
    checked: bool = True,
    configure: Callable[[AsyncConnection[Any]], Awaitable[None]] | None = None,
) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(
        url,
        kwargs=CONNECTION_KWARGS,
        min_size=1,
        max_size=size,
        open=False,
        name=name,
        timeout=POOL_WAIT_S,
        configure=configure,
        # A connection the server dropped (failover, restart) is replaced before it is lent.
        check=AsyncConnectionPool.check_connection if checked else None,
    )


async def _wait_open(pool: AsyncConnectionPool[Any], url: str) -> None:
    try:
        await pool.wait(timeout=POOL_WAIT_S)
    except Exception as exc:  # PoolTimeout: psycopg's reason is in the log
        raise DatabaseUnavailableError(
            f"DATABASE_URL: cannot connect to {redact(url)} ({type(exc).__name__})"
        ) from None
