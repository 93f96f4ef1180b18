"""Each thread's latest checkpoint, kept in memory by the checkpointers (SQLite and PostgreSQL).

A turn starts by reading what the turn before saved, and deserialising it was a tenth of a turn.
So a saver keeps what it saved, and a read checks, with one indexed look-up of the thread's
latest checkpoint id in the store, that nobody saved since (another process, a shard on the same
store); only then is the kept state used. The state is shared, not copied: LangGraph's channels
replace their values instead of changing them; only the checkpoint's own dicts, which LangGraph
updates as it runs, are copied. A checkpoint whose pending writes reached the store first is
never kept (the store has them; memory doesn't). The most recently used LATEST_STATES threads
are kept.
"""

from __future__ import annotations

from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    copy_checkpoint,
)

from community_bot.lru import LruCache

LATEST_STATES = 1024  # threads whose latest state stays in memory (a few hundred KiB each at most)

ThreadKey = tuple[str, str]  # (thread_id, checkpoint_ns)


def thread_key(config: RunnableConfig) -> ThreadKey:
    configurable = config["configurable"]
    return str(configurable["thread_id"]), configurable.get("checkpoint_ns", "")


class LatestStates:
    """The latest checkpoint of the most recently used threads; see the module docstring."""

    def __init__(self, size: int = LATEST_STATES) -> None:
        self._kept: LruCache[ThreadKey, CheckpointTuple] = LruCache(size)

    def candidate(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The kept latest state of `config`'s thread, to confirm against the store's latest
        id (`confirmed`); None when none is kept or `config` asks for a given checkpoint."""
        if config["configurable"].get("checkpoint_id"):
            return None
        return self._kept.get(thread_key(config))

    @staticmethod
    def confirmed(candidate: CheckpointTuple, stored_id: str | None) -> CheckpointTuple | None:
        """`candidate`, with its checkpoint copied, if the store still has it as the latest."""
        if stored_id != candidate.checkpoint["id"]:
            return None
        return candidate._replace(checkpoint=copy_checkpoint(candidate.checkpoint))

    def saved(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        stored_metadata: dict[str, Any],
        *,
        written_ahead: bool,
    ) -> RunnableConfig:
        """Keep `checkpoint`, just saved for `config` with `stored_metadata` (as a read would
        give it back), unless its pending writes were `written_ahead` of it; the saved config."""
        thread_id, checkpoint_ns = thread_key(config)
        saved: RunnableConfig = {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": checkpoint_ns,
                "checkpoint_id": checkpoint["id"],
            }
        }
        if written_ahead:  # its pending writes are in the store only: read it from there
            self.forget((thread_id, checkpoint_ns))
            return saved
        parent = config["configurable"].get("checkpoint_id")
        parent_config: RunnableConfig | None = (
            {"configurable": {**saved["configurable"], "checkpoint_id": parent}} if parent else None
        )
        metadata = cast(CheckpointMetadata, stored_metadata)
        latest = CheckpointTuple(saved, checkpoint, metadata, parent_config, [])
        self._kept.put((thread_id, checkpoint_ns), latest)
        return saved

    def forget(self, key: ThreadKey) -> None:
        """The thread's next read comes from the store (pending writes, a quarantine)."""
        self._kept.discard(lambda kept: kept == key)

    def forget_thread(self, thread_id: str) -> None:
        self._kept.discard(lambda kept: kept[0] == str(thread_id))
