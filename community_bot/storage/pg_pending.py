"""Questions saved before any model is called, on DATABASE_URL (see `community_bot.pending`).

The same contract as the SQLite table: one row per thread holding its unanswered questions,
written before the turn runs and cleared once the turn's checkpoint is saved, so a process killed
mid-answer on any host leaves the question for the next turn (and `Conversation.unanswered`).
"""

from __future__ import annotations

import json
import time
from typing import Any

from langchain_core.messages import BaseMessage, messages_from_dict, messages_to_dict
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool


class PgPendingQuestions:
    """`PendingQuestions` in the `community_bot_pending_questions` table."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def carry(self, thread_id: str, question: BaseMessage) -> list[BaseMessage]:
        earlier = await self.pending(thread_id)
        encoded = json.dumps(messages_to_dict([*earlier, question]), ensure_ascii=False)
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO community_bot_pending_questions VALUES (%s, %s, %s)"
                " ON CONFLICT (thread_id) DO UPDATE"
                " SET messages = EXCLUDED.messages, saved_at = EXCLUDED.saved_at",
                (thread_id, encoded, time.time()),
            )
        return earlier

    async def pending(self, thread_id: str) -> list[BaseMessage]:
        async with self._pool.connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            await cursor.execute(
                "SELECT messages FROM community_bot_pending_questions WHERE thread_id = %s",
                (thread_id,),
            )
            row = await cursor.fetchone()
        return messages_from_dict(json.loads(row[0])) if row is not None else []

    async def answered(self, thread_id: str) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM community_bot_pending_questions WHERE thread_id = %s", (thread_id,)
            )
