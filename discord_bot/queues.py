"""One turn at a time per channel, channels in parallel, nothing dropped.

Each channel gets a FIFO of jobs and, while it has work, one worker task; a channel's memory is
one graph thread, so its turns must not interleave, but unrelated channels should not wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class ChannelQueues:
    """Per-key FIFO job queues with one worker per busy key."""

    def __init__(self) -> None:
        self._jobs: dict[Hashable, deque[Job]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}

    @property
    def busy(self) -> int:
        """Channels with work queued or running."""
        return len(self._workers)

    def busy_with(self, key: Hashable) -> bool:
        """Whether the key has a job queued or running (a new job would wait)."""
        return key in self._workers

    def submit(self, key: Hashable, job: Job) -> None:
        """Queue `job` behind the key's earlier jobs."""
        self._jobs.setdefault(key, deque()).append(job)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"channel-{key}")

    async def _work(self, key: Hashable) -> None:
        jobs = self._jobs[key]
        try:
            while jobs:
                try:
                    await jobs.popleft()()
                except Exception:  # a job handles its own user-facing error; keep the queue going
                    log.exception("job for channel %s failed", key)
        finally:
            del self._workers[key]
            del self._jobs[key]

    async def drain(self, grace: float) -> bool:
        """Wait up to `grace` seconds for all queued jobs; cancel the rest. True if all finished."""
        workers = list(self._workers.values())
        if not workers:
            return True
        _, pending = await asyncio.wait(workers, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if pending:
            log.warning("cancelled the answers of %d channel(s) at shutdown", len(pending))
        return not pending
