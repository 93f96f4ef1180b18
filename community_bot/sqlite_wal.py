"""Switching a SQLite file to write-ahead logging when other processes may be opening it too.

Every SQLite file of community-bot runs in WAL mode: readers never wait for a writer. Switching a
new file to WAL needs it to itself, and SQLite answers "database is locked" at once, without its
busy timeout, while another process is switching the same file (two shards starting, or `kb
index` beside a starting bot: 17 of 50 simultaneous first opens failed). The other process is
done within milliseconds, so the switch is retried until `wait_s` has passed.
"""

from __future__ import annotations

import sqlite3
import time

WAIT_S = 5.0  # as long as the busy timeout every connection uses
FIRST_PAUSE_S, LONGEST_PAUSE_S = 0.002, 0.1


def use_wal(connection: sqlite3.Connection, wait_s: float = WAIT_S) -> None:
    """Put the connection's database in WAL mode (a no-op once it is)."""
    deadline = time.monotonic() + wait_s
    pause = FIRST_PAUSE_S
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)  # backing off from another process, not synchronising a test
        pause = min(pause * 2, LONGEST_PAUSE_S)
