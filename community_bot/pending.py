"""Questions accepted but not yet answered, saved before any model is called.

A turn's checkpoint is saved when the turn ends, so a process killed mid-answer (`kill -9`, a
power cut, an OOM kill) used to forget the question as if it had never been asked. The facade
now saves the question here first and clears it once the turn's checkpoint is saved. Whatever is
left is a question nobody answered: the next turn on that thread carries it into memory (same
message id, so a question that did reach the checkpoint is not repeated), `Conversation.history`
shows it, and `Conversation.unanswered` lets a runtime offer to answer it after a restart.

`PendingQuestions` is the interface; `SqlitePendingQuestions` keeps one row per thread in the
memory file itself (`DATA_DIR/memory.sqlite`), on its own connection. Not in LangGraph's store:
the store batches concurrent reads and writes into one deferred transaction, which SQLite
refuses at once ("database is locked") when another connection wrote in between; here every
write is a single statement that waits its turn. Callers hold the thread's lock
(`thread_lock`), so one thread's row has one writer at a time.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from langchain_core.messages import BaseMessage, messages_from_dict, messages_to_dict

from community_bot.sqlite_wal import WAIT_S, use_wal

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending_questions (
    thread_id TEXT PRIMARY KEY,
    messages TEXT NOT NULL,
    saved_at REAL NOT NULL
)
"""


class PendingQuestions(Protocol):
    """Where a thread's unanswered questions wait until its turn is saved."""

    async def carry(self, thread_id: str, question: BaseMessage) -> list[BaseMessage]:
        """Save `question` with the thread's earlier unanswered ones; return those earlier ones."""
        ...

    async def pending(self, thread_id: str) -> list[BaseMessage]:
        """The thread's unanswered questions, oldest first."""
        ...

    async def answered(self, thread_id: str) -> None:
        """The thread's turn is saved: nothing is pending any more."""
        ...


class SqlitePendingQuestions:
    """`PendingQuestions` in a table of a SQLite file; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=WAIT_S
        )
        self._lock = threading.Lock()
        use_wal(self._db)
        # As the checkpointer: a crash loses nothing, a power cut at most the last moments.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    def close(self) -> None:
        self._db.close()

    async def carry(self, thread_id: str, question: BaseMessage) -> list[BaseMessage]:
        return await asyncio.to_thread(self.carry_blocking, thread_id, question)

    async def pending(self, thread_id: str) -> list[BaseMessage]:
        return await asyncio.to_thread(self._pending, thread_id)

    async def answered(self, thread_id: str) -> None:
        await asyncio.to_thread(self.answered_blocking, thread_id)

    def carry_blocking(self, thread_id: str, question: BaseMessage) -> list[BaseMessage]:
        """`carry` in the calling thread (a worker thread: `community_bot.turn_claim`)."""
        earlier = self._pending(thread_id)
        self._save(thread_id, [*earlier, question])
        return earlier

    def _pending(self, thread_id: str) -> list[BaseMessage]:
        with self._lock:
            row = self._db.execute(
                "SELECT messages FROM pending_questions WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        return messages_from_dict(json.loads(row[0])) if row is not None else []

    def _save(self, thread_id: str, questions: Sequence[BaseMessage]) -> None:
        encoded = json.dumps(messages_to_dict(list(questions)), ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pending_questions VALUES (?, ?, ?)",
                (thread_id, encoded, time.time()),
            )

    def answered_blocking(self, thread_id: str) -> None:
        """`answered` in the calling thread."""
        with self._lock:
            self._db.execute("DELETE FROM pending_questions WHERE thread_id = ?", (thread_id,))
