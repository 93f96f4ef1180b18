"""Another process holding a conversation thread, as a second bot or a terminal `ask` would.

`python -m tests.discord.lock_holder DATA_DIR THREAD_ID` takes the thread's lease through the
real `SqliteThreadLocks` in DATA_DIR, prints `held`, and keeps it (renewing) until a line
arrives on stdin; then it lets go, prints `released` and exits.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from community_bot.thread_lock import SqliteThreadLocks


async def hold(data_dir: Path, thread_id: str) -> None:
    locks = SqliteThreadLocks(data_dir / "thread_locks.sqlite", wait_s=30)
    try:
        async with locks.hold(thread_id):
            print("held", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
    finally:
        locks.close()
    print("released", flush=True)


if __name__ == "__main__":
    asyncio.run(hold(Path(sys.argv[1]), sys.argv[2]))
