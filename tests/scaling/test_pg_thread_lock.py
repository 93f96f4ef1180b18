"""Turn locks on PostgreSQL advisory locks: one holder per thread across processes, a bounded
wait, and nothing held once a turn ends however it ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from psycopg_pool import AsyncConnectionPool

from community_bot.settings import Settings
from community_bot.storage.pg_memory import lock_timeout
from community_bot.storage.pg_thread_lock import PgThreadLocks
from community_bot.storage.postgres import CONNECTION_KWARGS
from community_bot.thread_lock import ThreadBusyError
from runtime.memory import open_memory


@asynccontextmanager
async def locks(url: str, wait_s: float) -> AsyncIterator[PgThreadLocks]:
    """Locks on a pool of their own, as a separate process would have them, waiting `wait_s`
    for a thread (in this process and for another's advisory lock), as `open_postgres_memory`
    sets them up from THREAD_LOCK_TIMEOUT_SECONDS."""
    async with AsyncConnectionPool(
        url,
        kwargs=CONNECTION_KWARGS,
        min_size=1,
        max_size=4,
        open=False,
        configure=lock_timeout(wait_s),
    ) as pool:
        yield PgThreadLocks(pool, wait_s)


async def test_a_thread_held_elsewhere_is_busy_after_the_wait_and_free_once_released(
    postgres_url: str,
) -> None:
    async with locks(postgres_url, 30) as first, locks(postgres_url, 0.2) as second:
        async with first.hold("discord:1"):
            with pytest.raises(ThreadBusyError, match="discord:1"):
                async with second.hold("discord:1"):
                    pass
            async with second.hold("discord:2"):  # another thread is not blocked
                pass
        async with second.hold("discord:1"):  # released when the first turn ended
            pass


async def test_thread_lock_timeout_seconds_bounds_the_wait_for_another_processs_turn(
    shared_settings: Callable[..., Settings],
) -> None:
    async with AsyncExitStack() as stack:
        first = await open_memory(shared_settings("a").memory, stack)
        second = await open_memory(
            shared_settings("b", thread_lock_timeout_seconds=0.2).memory, stack
        )
        assert first.locks is not None and second.locks is not None
        async with first.locks.hold("discord:6"):
            # the setting, not a fixed 120 s, is what the refusal names and what it waited
            with pytest.raises(ThreadBusyError, match=r"held it for over 0\.2 s"):
                async with second.locks.hold("discord:6"):
                    pass


async def test_a_turn_that_fails_still_releases_its_thread(postgres_url: str) -> None:
    async with locks(postgres_url, 30) as first, locks(postgres_url, 0.2) as second:
        with pytest.raises(RuntimeError):
            async with first.hold("discord:3"):
                raise RuntimeError("the graph failed")
        async with second.hold("discord:3"):
            pass


async def test_turns_of_one_thread_in_one_process_run_one_at_a_time(postgres_url: str) -> None:
    inside: list[int] = []
    most = 0

    async def turn(shared: PgThreadLocks) -> None:
        nonlocal most
        async with shared.hold("discord:4"):
            inside.append(1)
            most = max(most, len(inside))
            await asyncio.sleep(0)  # let the others try to enter
            inside.pop()

    async with locks(postgres_url, 30) as shared:
        await asyncio.gather(*(turn(shared) for _ in range(10)))
    assert most == 1


async def test_a_turn_with_no_database_to_lock_on_is_reported_within_the_connect_wait() -> None:
    from community_bot.storage.postgres import DatabaseUnavailableError
    from tests.emulators.ollama import refused_url

    with refused_url() as url:
        port = url.rsplit(":", 1)[1]
        unreachable = f"postgresql://bot@127.0.0.1:{port}/none"
        async with AsyncConnectionPool(
            unreachable, kwargs=CONNECTION_KWARGS, min_size=1, open=False
        ) as pool:
            turn_locks = PgThreadLocks(pool, wait_s=30, connect_wait_s=0.5)
            with pytest.raises(DatabaseUnavailableError, match="DATABASE_URL"):
                async with turn_locks.hold("discord:5"):
                    pass
