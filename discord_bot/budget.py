"""One REST request budget for the whole process: Discord allows a bot 50 requests per second.

Every request the client makes (interaction endpoints excepted, as Discord excepts them) takes a
slot in a rolling one-second window of DISCORD_MAX_REQUESTS_PER_SECOND slots. When the window is
full, requests wait in two queues: URGENT (first messages, acknowledgements, final edits) is
always served before STREAM (intermediate edits, typing refreshes). A streamed message takes its
slot before it reads its draft, so under pressure its edits simply come less often and carry
more text: they coalesce, and every answer still completes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

URGENT, STREAM = 0, 1
WINDOW_S = 1.0
EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")  # interaction endpoints: outside the limit

_priority: ContextVar[int] = ContextVar("discord_request_priority", default=URGENT)
_prepaid: ContextVar[bool] = ContextVar("discord_request_prepaid", default=False)
T = TypeVar("T")


class RequestBudget:
    """At most `per_second` requests in any rolling second, urgent ones first."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = max(1, int(per_second))
        self._clock = clock
        self._sent: deque[float] = deque()
        self._queues: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque())
        self._timer: asyncio.TimerHandle | None = None
        self.waited = 0  # requests that had to queue (observability, bench)

    def _free(self) -> bool:
        now = self._clock()
        while self._sent and now - self._sent[0] >= WINDOW_S:
            self._sent.popleft()
        return len(self._sent) < self._limit

    async def take(self, priority: int = URGENT) -> None:
        """Wait for a slot; urgent requests overtake streaming ones."""
        if not any(self._queues) and self._free():
            self._sent.append(self._clock())
            return
        self.waited += 1
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[priority].append(future)
        self._schedule()
        await future

    def _release(self) -> None:
        self._timer = None
        while self._free():
            future = self._next_waiter()
            if future is None:
                return
            self._sent.append(self._clock())
            future.set_result(None)
        self._schedule()

    def _next_waiter(self) -> asyncio.Future[None] | None:
        for queue in self._queues:
            while queue:
                future = queue.popleft()
                if not future.done():  # a cancelled waiter gives its place up
                    return future
        return None

    def _schedule(self) -> None:
        if self._timer is not None or not any(self._queues):
            return
        delay = 0.0 if not self._sent else max(0.0, self._sent[0] + WINDOW_S - self._clock())
        self._timer = asyncio.get_running_loop().call_later(delay, self._release)


@contextlib.contextmanager
def streaming() -> Iterator[None]:
    """Requests made inside are intermediate (STREAM priority)."""
    token = _priority.set(STREAM)
    try:
        yield
    finally:
        _priority.reset(token)


@contextlib.contextmanager
def prepaid() -> Iterator[None]:
    """Requests made inside already took their slot (a streamed edit takes it before its draft)."""
    token = _prepaid.set(True)
    try:
        yield
    finally:
        _prepaid.reset(token)


def metered(budget: RequestBudget, request: Callable[..., Awaitable[T]]) -> Callable[..., Any]:
    """Wrap discord.py's `HTTPClient.request` so every REST call takes its slot first."""

    async def request_within_budget(route: Any, **kwargs: Any) -> T:
        path = str(getattr(route, "path", ""))
        if not _prepaid.get() and not path.startswith(EXEMPT_PREFIXES):
            await budget.take(_priority.get())
        return await request(route, **kwargs)

    return request_within_budget
