"""The turn ledger and the daily spend meter on PostgreSQL, for bots on several machines.

Same methods as the SQLite `Ledger` and `SpendMeter`, so `/status`, `stats` and DAILY_BUDGET_USD
count every process's turns and spend, not one host's. Calls stay synchronous like theirs (one
small statement after a reply; `python -m bench --only postgres` measures it); a statement
that finds its connection dropped makes the pool replace them, and is sent once more.
Tables: `community_bot.storage.postgres`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from psycopg import OperationalError
from psycopg_pool import ConnectionPool

from community_bot.storage.postgres import CONNECTION_KWARGS

POOL_WAIT_S = 30.0
LOST = ("08", "57P")  # connection exceptions; the server ended the session


def open_pool(url: str, name: str) -> ConnectionPool[Any]:
    """A small synchronous pool (the schema must exist: `prepare_schema`)."""
    pool: ConnectionPool[Any] = ConnectionPool(
        url,
        kwargs=CONNECTION_KWARGS,
        min_size=1,
        max_size=2,
        name=name,
        open=True,
        timeout=POOL_WAIT_S,
    )
    return pool


def run(pool: ConnectionPool[Any], sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Run one statement; a connection the server dropped is replaced and the statement sent
    once more (each one here is an upsert or a read). Rows, if it returns any."""
    for attempt in (1, 2):
        try:
            with pool.connection() as conn:
                cursor = conn.execute(sql, params)
                return list(cursor.fetchall()) if cursor.description else []
        except OperationalError as exc:
            if attempt == 2 or (exc.sqlstate is not None and not exc.sqlstate.startswith(LOST)):
                raise
            pool.check()  # replaces every dropped connection (no check per use: a round trip)
    raise AssertionError("unreachable")


class PgLedger:
    """Append-only record of turns and feedback, shared by every process on the database."""

    def __init__(self, url: str) -> None:
        self._pool = open_pool(url, "community-bot-ledger")

    def record_turn(self, row: dict[str, Any]) -> None:
        """Store one turn; `row` holds the columns of the turns table."""
        values = {**row, "attempts": json.dumps(row.get("attempts", []))}
        values.setdefault("at", time.time())
        columns = ", ".join(values)
        marks = ", ".join(f"%({k})s" for k in values)
        updates = ", ".join(f"{k} = EXCLUDED.{k}" for k in values if k != "run_id")
        run(
            self._pool,
            f"INSERT INTO community_bot_turns ({columns}) VALUES ({marks})"
            f" ON CONFLICT (run_id) DO UPDATE SET {updates}",
            values,
        )

    def record_feedback(self, run_id: str, thread_id: str, user_id: str, score: int) -> None:
        """A user's latest 👍/👎 on a turn replaces their earlier one."""
        run(
            self._pool,
            "INSERT INTO community_bot_feedback VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (run_id, user_id) DO UPDATE"
            " SET score = EXCLUDED.score, at = EXCLUDED.at, thread_id = EXCLUDED.thread_id",
            (run_id, thread_id, user_id, score, time.time()),
        )

    def feedback_for(self, run_id: str) -> list[tuple[str, int]]:
        rows = self._all(
            "SELECT user_id, score FROM community_bot_feedback WHERE run_id = %s ORDER BY at",
            (run_id,),
        )
        return [(str(row["user_id"]), int(row["score"])) for row in rows]

    def model_of(self, run_id: str) -> str | None:
        """The model that answered a turn, for counting feedback per model."""
        rows = self._all("SELECT model FROM community_bot_turns WHERE run_id = %s", (run_id,))
        return str(rows[0]["model"]) if rows else None

    def feedback_since(self, since: float) -> list[tuple[str, int]]:
        """(run_id, score) of every vote on a turn recorded since `since`."""
        rows = self._all(
            "SELECT f.run_id, f.score FROM community_bot_feedback f"
            " JOIN community_bot_turns t USING (run_id) WHERE t.at >= %s",
            (since,),
        )
        return [(str(row["run_id"]), int(row["score"])) for row in rows]

    def today(self) -> tuple[int, float]:
        """Turns and spend since UTC midnight, every process's."""
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        row = self._all(
            "SELECT COUNT(*) AS n, COALESCE(SUM(cost_usd), 0) AS usd"
            " FROM community_bot_turns WHERE at >= %s",
            (midnight.timestamp(),),
        )[0]
        return int(row["n"]), float(row["usd"])

    def rows_since(self, since: float) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM community_bot_turns WHERE at >= %s ORDER BY at", (since,))

    def close(self) -> None:
        self._pool.close()

    def _all(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        return run(self._pool, sql, params)


class PgSpendMeter:
    """USD per UTC day, one DAILY_BUDGET_USD for every process on the database."""

    def __init__(self, url: str, *, clock: Callable[[], date]) -> None:
        self._pool = open_pool(url, "community-bot-spend")
        self._clock = clock

    def today(self) -> float:
        rows = run(
            self._pool,
            "SELECT usd FROM community_bot_spend WHERE day = %s",
            (self._clock().isoformat(),),
        )
        return float(rows[0]["usd"]) if rows else 0.0

    def add(self, usd: float) -> None:
        if usd <= 0:
            return
        run(
            self._pool,
            "INSERT INTO community_bot_spend (day, usd) VALUES (%s, %s)"
            " ON CONFLICT (day) DO UPDATE SET usd = community_bot_spend.usd + EXCLUDED.usd",
            (self._clock().isoformat(), usd),
        )

    def close(self) -> None:
        self._pool.close()
