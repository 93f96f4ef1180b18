"""Connections to DATABASE_URL and community-bot's own tables there, migrated once per version.

LangGraph's saver and store create their tables with their own `setup()`; community-bot's tables
(turn records, feedback, daily spend) follow the same scheme: a numbered list of statements and
a table recording the last one applied. Every process runs `prepare_schema` at start-up, under a
PostgreSQL advisory lock, so two hosts starting together never apply a migration twice (the
saver's migrations include `CREATE INDEX CONCURRENTLY`, which cannot run in a transaction, so
the lock, not a transaction, is what keeps them one at a time). The lock belongs to the
connection: a process that dies while holding it releases it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection, OperationalError, errors
from psycopg.rows import dict_row

from community_bot.errors import CommunityBotError

# Advisory lock keys are (class, object) pairs: one class per use, so they never collide.
SCHEMA_LOCK_CLASS = 0x43420001
THREAD_LOCK_CLASS = 0x43420002
SCHEMA_WAIT_S = 120.0
CONNECT_TIMEOUT_S = 10

# LangGraph's savers need autocommit, no prepared statements and dict rows (their
# `from_conn_string`). `synchronous_commit=off`: a commit does not wait for the disk (~10 ms a
# commit here, several per turn). The SQLite path's trade-off (WAL, synchronous=NORMAL): a bot
# crash loses nothing, a database server crash may lose the last fraction of a second of turns,
# and nothing is ever corrupted.
CONNECTION_KWARGS: dict[str, Any] = {
    "autocommit": True,
    "prepare_threshold": 0,
    "row_factory": dict_row,
    "connect_timeout": CONNECT_TIMEOUT_S,
    "options": "-c synchronous_commit=off",
}

MIGRATIONS = [
    "CREATE TABLE IF NOT EXISTS community_bot_migrations (v INTEGER PRIMARY KEY)",
    """
    CREATE TABLE IF NOT EXISTS community_bot_turns (
        run_id TEXT PRIMARY KEY,
        at DOUBLE PRECISION NOT NULL,
        thread_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        tier TEXT,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        latency_ms DOUBLE PRECISION NOT NULL,
        elapsed_ms DOUBLE PRECISION NOT NULL,
        outcome TEXT NOT NULL,
        kb_hit INTEGER,
        attempts TEXT NOT NULL,
        route_reason TEXT
    )
    """,
    "CREATE INDEX IF NOT EXISTS community_bot_turns_at ON community_bot_turns (at)",
    """
    CREATE TABLE IF NOT EXISTS community_bot_feedback (
        run_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        score INTEGER NOT NULL,
        at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (run_id, user_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS community_bot_spend (
        day TEXT PRIMARY KEY,
        usd DOUBLE PRECISION NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS community_bot_pending_questions (
        thread_id TEXT PRIMARY KEY,
        messages TEXT NOT NULL,
        saved_at DOUBLE PRECISION NOT NULL
    )
    """,
]


class DatabaseUnavailableError(CommunityBotError):
    """DATABASE_URL cannot be reached, or refused the connection."""


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, found, rest = url.partition("://")
    if not found or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[AsyncConnection[Any]]:
    """One connection, closed on exit; an unreachable server is a DatabaseUnavailableError."""
    try:
        conn = await AsyncConnection.connect(url, **CONNECTION_KWARGS)
    except OperationalError as exc:
        raise DatabaseUnavailableError(
            f"DATABASE_URL: cannot connect to {redact(url)}: {str(exc).strip().splitlines()[0]}"
        ) from None
    async with conn:
        yield conn


async def migrate(conn: AsyncConnection[Any]) -> int:
    """Apply community-bot's migrations not yet applied; the version the database is now at."""
    await conn.execute(MIGRATIONS[0])
    row = await (await conn.execute("SELECT MAX(v) AS v FROM community_bot_migrations")).fetchone()
    applied = -1 if row is None or row["v"] is None else int(row["v"])
    for version in range(applied + 1, len(MIGRATIONS)):
        async with conn.transaction():
            await conn.execute(MIGRATIONS[version])
            await conn.execute("INSERT INTO community_bot_migrations (v) VALUES (%s)", (version,))
    return len(MIGRATIONS) - 1


async def prepare_schema(
    url: str,
    *others: Callable[[], Awaitable[None]],
    wait_s: float = SCHEMA_WAIT_S,
) -> None:
    """Create or migrate every table (community-bot's, then `others`: the saver's and store's
    `setup()`), one process at a time across every host sharing the database."""
    async with connect(url) as conn:
        await conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{wait_s:.0f}s",))
        try:
            await conn.execute("SELECT pg_advisory_lock(%s, 0)", (SCHEMA_LOCK_CLASS,))
        except errors.LockNotAvailable:
            raise DatabaseUnavailableError(
                f"DATABASE_URL: another process has been setting up {redact(url)} for over"
                f" {wait_s:.0f} s"
            ) from None
        try:
            await migrate(conn)
            for setup in others:
                await setup()
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s, 0)", (SCHEMA_LOCK_CLASS,))
