"""Conversation memory on disk: LangGraph's SQLite checkpointer, able to drop old checkpoints.

LangGraph keeps every checkpoint a thread ever had, and each one holds the thread's whole state,
messages included: a channel's share of the file grows with the square of its length (1,000 turns
in one channel: 414 MiB, `python -m bench --only memory`). Nothing in community-bot reads an old
checkpoint — a turn starts from the latest — so `Conversation` prunes each thread to its latest
checkpoint after every turn, through `aprune`, the interface LangGraph defines for this and the
SQLite saver leaves unimplemented. The latest checkpoint still keeps every message.
"""

from __future__ import annotations

from collections.abc import Sequence

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

# Per namespace, keep the newest checkpoint and its pending writes; "newest" is the highest id,
# as in the saver's own look-up of a thread's latest checkpoint.
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


class PrunableSqliteSaver(AsyncSqliteSaver):
    """`AsyncSqliteSaver` plus `aprune`; open it with `PrunableSqliteSaver.from_conn_string`."""

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """`keep_latest`: only each thread's newest checkpoint remains; `delete`: nothing does."""
        if strategy == "delete":
            for thread_id in thread_ids:
                await self.adelete_thread(thread_id)
            return
        if strategy != "keep_latest":
            raise ValueError(f"unknown prune strategy {strategy!r}: use keep_latest or delete")
        await self.setup()
        async with self.lock:
            for thread_id in thread_ids:
                await self.conn.execute(DROP_SUPERSEDED_CHECKPOINTS, (thread_id,))
                await self.conn.execute(DROP_ORPHANED_WRITES, (thread_id,))
            await self.conn.commit()
