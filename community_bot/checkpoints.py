"""Conversation memory on disk: LangGraph's SQLite checkpointer, keeping each thread's latest.

Latest only: LangGraph keeps every checkpoint a thread ever had, and each one holds the thread's
whole state, messages included, so a channel's share of the file grows with the square of its
length (1,000 turns in one channel: 2.9 GB kept unpruned, 6.3 MiB pruned; `python -m bench --only
memory`). Nothing in community-bot reads an old checkpoint — a turn starts from the latest — so
saving a checkpoint deletes the ones it supersedes, and their pending writes, in the same
transaction. (The latest checkpoint holds the live conversation; messages the summary absorbed
live in the thread's transcript, `community_bot.transcripts`.)

One hop per operation: LangGraph's `AsyncSqliteSaver` sends each SQL statement to aiosqlite's
thread on its own, several hops per read or save. `ThreadMemorySaver` is LangGraph's sync
`SqliteSaver` run in one `asyncio.to_thread` call per operation; the call serialises the state
too, which keeps that off the event loop.

The latest state stays in memory (`community_bot.latest_states`, as on PostgreSQL): each turn
starts by reading what the turn before saved, and deserialising it was a tenth of a turn
(`python -m bench --only graph`). A read checks, with one indexed query, that the thread's latest
checkpoint id in the file is still the one it saved, so a write by another process (a shard on
the same DATA_DIR) is never missed.

A thread whose latest checkpoint no longer deserialises (a damaged row: `invalid UTF-8 string`)
used to fail every turn of that channel, and `chat` before `/reset` could be typed. Its rows are
now moved to the thread id `<id>#quarantined-<UTC time>`, kept for inspection, the error is logged
once, and the thread starts afresh; other threads never notice.

The tables are LangGraph's own, unchanged: databases written by `AsyncSqliteSaver` open as they
are. Not for graphs with a `DeltaChannel`, whose state is spread over a chain of checkpoints.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.sqlite import SqliteSaver

from community_bot.latest_states import LatestStates, ThreadKey, thread_key
from community_bot.sqlite_wal import use_wal

INSERT_CHECKPOINT = """
INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id,
    type, checkpoint, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)
"""
# Checkpoint ids grow with time; the saver's own look-up of the latest takes the highest. Writes
# go by the same rule, not by whether their checkpoint exists: LangGraph saves in the background
# and may store a step's writes before that step's checkpoint.
DROP_OLDER_CHECKPOINTS = """
DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id < ?
"""
DROP_OLDER_WRITES = """
DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id < ?
"""
# `prune(keep_latest)`: per namespace, keep the newest checkpoint and its pending writes.
DROP_SUPERSEDED_CHECKPOINTS = """
DELETE FROM checkpoints WHERE thread_id = ?1 AND (checkpoint_ns, checkpoint_id) NOT IN (
    SELECT checkpoint_ns, MAX(checkpoint_id) FROM checkpoints WHERE thread_id = ?1
    GROUP BY checkpoint_ns
)
"""
DROP_ORPHANED_WRITES = """
DELETE FROM writes WHERE thread_id = ?1 AND (checkpoint_ns, checkpoint_id) NOT IN (
    SELECT checkpoint_ns, checkpoint_id FROM checkpoints WHERE thread_id = ?1
)
"""
HAS_WRITES = """
SELECT 1 FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ? LIMIT 1
"""
LATEST_ID = """
SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?
ORDER BY checkpoint_id DESC LIMIT 1
"""
PRUNE_STRATEGIES = ("keep_latest", "delete")
QUARANTINE_MARK = "#quarantined-"  # unreadable rows move to `<thread id>#quarantined-<UTC>`

log = logging.getLogger(__name__)


class ThreadMemorySaver(SqliteSaver):
    """A SQLite checkpointer that keeps only each thread's latest checkpoint.

    Open it with `ThreadMemorySaver.open(path)`. Each async method is one worker-thread call.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self._latest = LatestStates()

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path) -> AsyncIterator[ThreadMemorySaver]:
        """The checkpointer on the database at `path` (created if missing), closed on exit.

        WAL with `synchronous=NORMAL`: a commit does not wait for the disk. An app crash loses
        nothing; a power cut may lose the last few turns, but never corrupts the file.
        """
        saver = await asyncio.to_thread(cls._connect, path)
        try:
            yield saver
        finally:
            await asyncio.to_thread(saver._close)

    @classmethod
    def _connect(cls, path: Path) -> ThreadMemorySaver:
        # The connection moves between worker threads; the saver's lock serialises its use.
        conn = sqlite3.connect(path, check_same_thread=False)
        try:
            use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            saver = cls(conn)
            saver.setup()
        except BaseException:
            conn.close()
            raise
        return saver

    def _close(self) -> None:
        with self.lock:
            self.conn.close()

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save `checkpoint` and drop its thread's older ones (same namespace) with their writes."""
        thread_id = str(config["configurable"]["thread_id"])
        checkpoint_ns = config["configurable"]["checkpoint_ns"]
        type_, serialized_checkpoint = self.serde.dumps_typed(checkpoint)
        serialized_metadata = json.dumps(
            get_checkpoint_metadata(config, metadata), ensure_ascii=False
        ).encode("utf-8", "ignore")
        row = (
            thread_id,
            checkpoint_ns,
            checkpoint["id"],
            config["configurable"].get("checkpoint_id"),
            type_,
            serialized_checkpoint,
            serialized_metadata,
        )
        superseded = (thread_id, checkpoint_ns, checkpoint["id"])
        with self.cursor() as cur:
            cur.execute(INSERT_CHECKPOINT, row)
            cur.execute(DROP_OLDER_CHECKPOINTS, superseded)
            cur.execute(DROP_OLDER_WRITES, superseded)
            written_ahead = cur.execute(HAS_WRITES, superseded).fetchone() is not None
        # Kept as `get_tuple` would read it back: metadata through JSON, no pending writes.
        return self._latest.saved(
            config, checkpoint, json.loads(serialized_metadata), written_ahead=written_ahead
        )

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The thread's latest checkpoint from memory when the file still has it as latest;
        anything else (a given checkpoint id, another process's write) from the file."""
        key = thread_key(config)
        candidate = self._latest.candidate(config)
        if candidate is not None:
            with self.cursor(transaction=False) as cur:
                row = cur.execute(LATEST_ID, key).fetchone()
            latest = self._latest.confirmed(candidate, None if row is None else str(row[0]))
            if latest is not None:
                return latest
        try:
            return super().get_tuple(config)
        except sqlite3.Error:
            raise  # the file itself, not one row: `storage_faults` names it at start-up
        except Exception as exc:  # a row that no longer deserialises (bit rot, a bad writer)
            if config["configurable"].get("checkpoint_id"):
                raise
            self._quarantine(key, exc)
            return None

    def _quarantine(self, key: ThreadKey, exc: Exception) -> None:
        """Move the thread's unreadable checkpoint rows to a new thread id, kept for inspection,
        so the thread starts afresh instead of failing every turn; other threads are untouched."""
        thread_id, checkpoint_ns = key
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = f"{thread_id}{QUARANTINE_MARK}{stamp}"
        with self.cursor() as cur:
            for table in ("checkpoints", "writes"):
                cur.execute(
                    f"UPDATE {table} SET thread_id = ? WHERE thread_id = ? AND checkpoint_ns = ?",
                    (kept, thread_id, checkpoint_ns),
                )
        self._latest.forget(key)
        log.error(
            "the memory of thread %r could not be read (%s: %s): its rows are kept as thread %r"
            " for inspection, and the thread starts afresh",
            thread_id,
            type(exc).__name__,
            exc,
            kept,
        )

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Pending writes belong to a checkpoint on disk: its next read must come from there."""
        self._latest.forget(thread_key(config))
        super().put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        self._latest.forget_thread(str(thread_id))
        super().delete_thread(thread_id)

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """`keep_latest`: only each thread's newest checkpoint remains; `delete`: nothing does."""
        if strategy not in PRUNE_STRATEGIES:
            raise ValueError(f"unknown prune strategy {strategy!r}: use keep_latest or delete")
        if strategy == "delete":
            for thread_id in thread_ids:
                self.delete_thread(thread_id)
            return
        with self.cursor() as cur:
            for thread_id in thread_ids:
                cur.execute(DROP_SUPERSEDED_CHECKPOINTS, (thread_id,))
                cur.execute(DROP_ORPHANED_WRITES, (thread_id,))

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await asyncio.to_thread(self.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        found = await asyncio.to_thread(
            lambda: [*self.list(config, filter=filter, before=before, limit=limit)]
        )
        for checkpoint_tuple in found:
            yield checkpoint_tuple

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await asyncio.to_thread(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await asyncio.to_thread(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await asyncio.to_thread(self.delete_thread, thread_id)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await asyncio.to_thread(self.prune, thread_ids, strategy=strategy)


# LangGraph reads the saver's `put_writes` signature at the start of every run (does it take
# `task_path`?); worked out once here, that costs 12 µs a turn instead of 40.
ThreadMemorySaver.put_writes.__signature__ = inspect.signature(  # type: ignore[attr-defined]
    ThreadMemorySaver.put_writes
)
