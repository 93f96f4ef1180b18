"""A small, thread-safe least-recently-used cache.

Two users: retrieval results (`Knowledge`; the key carries every source's version, so a changed
knowledge base makes old entries unreachable instead of wrong) and the checkpointer's latest
state per thread. Both are read on worker threads and written from several, hence the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class LruCache(Generic[Key, Value]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def discard(self, matches: Callable[[Key], bool]) -> None:
        """Drop every entry whose key `matches`."""
        with self._lock:
            for key in [key for key in self._entries if matches(key)]:
                del self._entries[key]
