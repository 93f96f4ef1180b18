"""What the bot has promised to answer, kept on disk so a crash forgets nothing.

A question is recorded when it is accepted (before any model runs) and cleared once its answer
is shown in full (its final edit); the ids of its answer's messages are added as they are sent.
After a kill -9, the records left say which questions were never answered (answer them now) and
which answers stopped half way (say so in the message, and answer again). Beside them, the
newest message seen per channel: after a session Discord would not resume, the history since
then is read back for what was asked meanwhile. A `/ask` has no message to read back, so its
record keeps the question, its author and the interaction's token (a secret, kept only until the
record is deleted: Discord honours it for follow-ups for 15 minutes).

`DATA_DIR/discord.sqlite`, WAL like every SQLite file of the bot, so shards can share it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from community_bot.sqlite_wal import use_wal

SCHEMA = """
CREATE TABLE IF NOT EXISTS inflight (
    question_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    answer_channel_id INTEGER,
    answer_ids TEXT NOT NULL DEFAULT '[]',
    accepted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS asks (
    interaction_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    guild_id INTEGER,
    user_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    token TEXT NOT NULL,
    answer_ids TEXT NOT NULL DEFAULT '[]',
    asked_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS last_seen (
    channel_id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Unfinished:
    """A question accepted before a crash and never completed."""

    question_id: int
    channel_id: int
    answer_channel_id: int | None
    answer_ids: list[int]


@dataclass(frozen=True)
class UnfinishedAsk:
    """A `/ask` accepted before a crash and never completed."""

    interaction_id: int
    channel_id: int
    guild_id: int | None
    user_id: int
    question: str
    token: str  # never logged
    answer_ids: list[int]
    asked_at: float  # epoch seconds: the token's lifetime runs from here

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return f"UnfinishedAsk(interaction_id={self.interaction_id})"


class InFlight:
    """The in-flight questions and the last message seen per channel."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        use_wal(self._db)
        self._db.execute("PRAGMA busy_timeout = 5000")
        # As the ledger: WAL with NORMAL syncs at checkpoints, ~20 µs a write instead of an
        # fsync per write on the event loop; a power cut may lose the last records, never the file.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Close the file; later writes are dropped (events still arriving while stopping)."""
        with self._lock:
            self._closed = True
            self._db.close()

    def _write(self, sql: str, *rows: tuple[object, ...]) -> None:
        with self._lock:
            if not self._closed:
                self._db.executemany(sql, rows)

    def accepted(self, question_id: int, channel_id: int) -> None:
        self._write(
            "INSERT OR IGNORE INTO inflight (question_id, channel_id, accepted_at)"
            " VALUES (?, ?, ?)",
            (question_id, channel_id, time.time()),
        )

    def asked(
        self,
        interaction_id: int,
        channel_id: int,
        guild_id: int | None,
        user_id: int,
        question: str,
        token: str,
    ) -> None:
        """A `/ask` accepted: what a restart needs to finish it (`done` deletes the token)."""
        self._write(
            "INSERT OR IGNORE INTO asks (interaction_id, channel_id, guild_id, user_id, question,"
            " token, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (interaction_id, channel_id, guild_id, user_id, question, token, time.time()),
        )

    def answering(self, question_id: int, answer_channel_id: int, answer_ids: list[int]) -> None:
        """The answer's messages so far (the first is sent, or another one added)."""
        self._write(
            "UPDATE inflight SET answer_channel_id = ?, answer_ids = ? WHERE question_id = ?",
            (answer_channel_id, json.dumps(answer_ids), question_id),
        )
        self._write(
            "UPDATE asks SET answer_ids = ? WHERE interaction_id = ?",
            (json.dumps(answer_ids), question_id),
        )

    def done(self, question_ids: list[int]) -> None:
        self._write("DELETE FROM inflight WHERE question_id = ?", *[(q,) for q in question_ids])
        self._write("DELETE FROM asks WHERE interaction_id = ?", *[(q,) for q in question_ids])

    def unfinished(self) -> list[Unfinished]:
        rows = self._db.execute(
            "SELECT question_id, channel_id, answer_channel_id, answer_ids FROM inflight"
            " ORDER BY question_id"
        ).fetchall()
        return [Unfinished(q, c, a, [int(i) for i in json.loads(ids)]) for q, c, a, ids in rows]

    def unfinished_asks(self) -> list[UnfinishedAsk]:
        rows = self._db.execute(
            "SELECT interaction_id, channel_id, guild_id, user_id, question, token, answer_ids,"
            " asked_at FROM asks ORDER BY interaction_id"
        ).fetchall()
        return [
            UnfinishedAsk(i, c, g, u, q, t, [int(m) for m in json.loads(ids)], at)
            for i, c, g, u, q, t, ids, at in rows
        ]

    def saw(self, channel_id: int, message_id: int) -> None:
        self._write(
            "INSERT INTO last_seen VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE"
            " SET message_id = max(message_id, excluded.message_id)",
            (channel_id, message_id),
        )

    def last_seen(self, channel_id: int) -> int | None:
        if self._closed:
            return None
        row = self._db.execute(
            "SELECT message_id FROM last_seen WHERE channel_id = ?", (channel_id,)
        ).fetchone()
        return None if row is None else int(row[0])
