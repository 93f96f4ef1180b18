"""What the bot answered and what it cost, recorded locally for `stats`, `/status` and feedback.

One small SQLite file under DATA_DIR. Writes are tiny and synchronous: they happen once per turn,
after the reply is ready, and cost well under a millisecond.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from community_bot.sqlite_wal import use_wal

if TYPE_CHECKING:
    from community_bot.settings import MemorySettings

SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    run_id TEXT PRIMARY KEY,
    at REAL NOT NULL,
    thread_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    tier TEXT,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    ttft_ms REAL,
    latency_ms REAL NOT NULL,
    elapsed_ms REAL NOT NULL,
    outcome TEXT NOT NULL,
    kb_hit INTEGER,
    attempts TEXT NOT NULL,
    route_reason TEXT
);
CREATE INDEX IF NOT EXISTS turns_at ON turns(at);
CREATE TABLE IF NOT EXISTS feedback (
    run_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (run_id, user_id)
);
"""


class TurnLedger(Protocol):
    """What `/status`, `stats` and feedback read and write; `Ledger` here, or `PgLedger`."""

    def record_turn(self, row: dict[str, Any]) -> None: ...

    def record_feedback(self, run_id: str, thread_id: str, user_id: str, score: int) -> None: ...

    def feedback_for(self, run_id: str) -> list[tuple[str, int]]: ...

    def model_of(self, run_id: str) -> str | None: ...

    def feedback_since(self, since: float) -> list[tuple[str, int]]: ...

    def today(self) -> tuple[int, float]: ...

    def rows_since(self, since: float) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


def open_ledger(memory: MemorySettings) -> TurnLedger:
    """On DATABASE_URL when set (every host's turns in one place), else DATA_DIR/turns.sqlite."""
    if memory.database_url is not None:
        from community_bot.storage.pg_records import PgLedger

        return PgLedger(memory.database_url.get_secret_value())
    return Ledger(memory.data_dir / "turns.sqlite")


class Ledger:
    """Append-only record of turns and feedback."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        use_wal(self._db)
        # With WAL, NORMAL syncs at checkpoints instead of every commit: a power cut may lose the
        # last few rows, never corrupt the file, and a row costs ~20 µs instead of ~150 µs.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def record_turn(self, row: dict[str, Any]) -> None:
        """Store one turn; `row` holds the columns of the turns table."""
        values = {**row, "attempts": json.dumps(row.get("attempts", []))}
        values.setdefault("at", time.time())
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        with self._lock:
            self._db.execute(f"INSERT OR REPLACE INTO turns ({columns}) VALUES ({marks})", values)

    def record_feedback(self, run_id: str, thread_id: str, user_id: str, score: int) -> None:
        """A user's latest 👍/👎 on a turn replaces their earlier one."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?)",
                (run_id, thread_id, user_id, score, time.time()),
            )

    def feedback_for(self, run_id: str) -> list[tuple[str, int]]:
        rows = self._db.execute(
            "SELECT user_id, score FROM feedback WHERE run_id = ? ORDER BY at", (run_id,)
        )
        return [(str(user), int(score)) for user, score in rows]

    def model_of(self, run_id: str) -> str | None:
        """The model that answered a turn, for counting feedback per model."""
        row = self._db.execute("SELECT model FROM turns WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else str(row[0])

    def feedback_since(self, since: float) -> list[tuple[str, int]]:
        """(run_id, score) of every vote on a turn recorded since `since`."""
        rows = self._db.execute(
            "SELECT f.run_id, f.score FROM feedback f JOIN turns t USING (run_id) WHERE t.at >= ?",
            (since,),
        )
        return [(str(run_id), int(score)) for run_id, score in rows]

    def today(self) -> tuple[int, float]:
        """Turns and spend since UTC midnight."""
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        turns, cost = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(cost_usd), 0) FROM turns WHERE at >= ?",
            (midnight.timestamp(),),
        ).fetchone()
        return int(turns), float(cost)

    def rows_since(self, since: float) -> list[dict[str, Any]]:
        cursor = self._db.execute("SELECT * FROM turns WHERE at >= ? ORDER BY at", (since,))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def close(self) -> None:
        self._db.close()
