"""Per-user token buckets: a short burst is fine, a sustained flood is not."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned_until: float = 0.0


class UserRateLimiter:
    """`burst` messages at once, refilled at `per_minute` per minute, per user."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def acquire(self, user_id: int) -> float:
        """Take a token: 0.0 when allowed, otherwise the seconds until the next one."""
        now = self._clock()
        bucket = self._buckets.setdefault(user_id, _Bucket(self._burst, now))
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self._rate

    def should_warn(self, user_id: int, wait: float) -> bool:
        """True once per limited stretch, so a flood gets one reply rather than one per message."""
        now = self._clock()
        bucket = self._buckets[user_id]
        if now < bucket.warned_until:
            return False
        bucket.warned_until = now + wait
        return True
