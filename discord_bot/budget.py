"""One REST request budget for the whole process: Discord allows a bot 50 requests per second.

Every request the client makes (interaction endpoints excepted, as Discord excepts them) takes a
slot: at most DISCORD_MAX_REQUESTS_PER_SECOND requests are in flight or finished less than a
second ago. Counting a request until a second after its response (not after it was sent) keeps
the promise where Discord counts, on arrival, however late a busy event loop sends it. When the
budget is spent, requests wait in three queues, each served before the next: ACK (the first sign
that a question was seen: typing, a new thread), URGENT (first messages, final edits, anything
unmarked) and STREAM (intermediate edits, typing refreshes, reactions, renames). A
streamed message takes its slot before it reads its draft, so under pressure its edits come less
often and carry more text: they coalesce, and every answer still completes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

ACK, URGENT, STREAM = 0, 1, 2
WINDOW_S = 1.0
EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")  # interaction endpoints: outside the limit

T = TypeVar("T")


@dataclass
class _Slot:
    """A slot taken ahead of its request (a streamed edit); used by the next request made."""

    used: bool = False


_priority: ContextVar[int] = ContextVar("discord_request_priority", default=URGENT)
_prepaid: ContextVar[_Slot | None] = ContextVar("discord_request_prepaid", default=None)


class RequestBudget:
    """At most `per_second` requests in any second, counted until a second after each
    response; urgent ones first."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = max(1, int(per_second))
        self._clock = clock
        self._in_flight = 0
        self._finished: deque[float] = deque()  # when recent requests got their response
        self._queues: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque(), deque())
        self._timer: asyncio.TimerHandle | None = None
        self.waited = 0  # requests that had to queue (observability, bench)

    def _free(self) -> bool:
        now = self._clock()
        while self._finished and now - self._finished[0] >= WINDOW_S:
            self._finished.popleft()
        return self._in_flight + len(self._finished) < self._limit

    async def take(self, priority: int = URGENT) -> None:
        """Wait for a slot; urgent requests overtake streaming ones. Pair with `done()`."""
        if not any(self._queues) and self._free():
            self._in_flight += 1
            return
        self.waited += 1
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[priority].append(future)
        self._schedule()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.done()  # granted as it was cancelled: give the slot back
            raise

    def done(self) -> None:
        """The request of a slot has its response (or was never made)."""
        self._in_flight -= 1
        self._finished.append(self._clock())
        self._schedule()

    def _release(self) -> None:
        self._timer = None
        while self._free():
            future = self._next_waiter()
            if future is None:
                return
            self._in_flight += 1
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
        if self._free():
            delay = 0.0
        elif self._finished:
            delay = max(0.0, self._finished[0] + WINDOW_S - self._clock())
        else:
            return  # every slot is in flight: the next `done()` reschedules
        self._timer = asyncio.get_running_loop().call_later(delay, self._release)


@contextlib.contextmanager
def priority(level: int) -> Iterator[None]:
    """Requests made inside wait in the `level` queue (ACK, URGENT or STREAM)."""
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


def streaming() -> contextlib.AbstractContextManager[None]:
    """Requests made inside are intermediate (STREAM priority)."""
    return priority(STREAM)


def acknowledging() -> contextlib.AbstractContextManager[None]:
    """Requests made inside show a question was seen (ACK priority)."""
    return priority(ACK)


@contextlib.contextmanager
def prepaid(budget: RequestBudget) -> Iterator[None]:
    """The next request made inside uses a slot already taken from `budget` (a streamed edit
    takes it before reading its draft); the slot is given back if no request is made."""
    slot = _Slot()
    token = _prepaid.set(slot)
    try:
        yield
    finally:
        _prepaid.reset(token)
        if not slot.used:
            budget.done()


def metered(budget: RequestBudget, request: Callable[..., Awaitable[T]]) -> Callable[..., Any]:
    """Wrap discord.py's `HTTPClient.request` so every REST call holds a slot of `budget`."""

    async def request_within_budget(route: Any, **kwargs: Any) -> T:
        if str(getattr(route, "path", "")).startswith(EXEMPT_PREFIXES):
            return await request(route, **kwargs)
        slot = _prepaid.get()
        if slot is not None and not slot.used:
            slot.used = True
        else:
            await budget.take(_priority.get())
        try:
            return await request(route, **kwargs)
        finally:
            budget.done()

    return request_within_budget
