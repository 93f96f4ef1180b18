"""Merge a quick burst of messages from one person into one turn.

People often send a question in several lines as separate messages; answering each alone costs
turns and produces fragmented replies. Off when the delay is 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Debouncer(Generic[T]):
    """Collect items per key until `delay` seconds pass without a new one, then flush them."""

    def __init__(self, delay: float, flush: Callable[[list[T]], None]) -> None:
        self._delay = delay
        self._flush = flush
        self._pending: dict[Hashable, list[T]] = {}
        self._timers: dict[Hashable, asyncio.TimerHandle] = {}

    def add(self, key: Hashable, item: T) -> None:
        if self._delay <= 0:
            self._flush([item])
            return
        self._pending.setdefault(key, []).append(item)
        if timer := self._timers.pop(key, None):
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(self._delay, self._fire, key)

    def flush_all(self) -> None:
        """Flush every pending burst now (used at shutdown so nothing received is lost)."""
        for key in list(self._timers):
            self._timers[key].cancel()
            self._fire(key)

    def _fire(self, key: Hashable) -> None:
        self._timers.pop(key, None)
        if items := self._pending.pop(key, None):
            self._flush(items)
