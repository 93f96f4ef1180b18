"""Provider health as a living thing: one circuit breaker per provider, never a one-shot verdict.

closed ──(N failures in a row, or a definitive probe failure, or a missed deadline)──▶ open
open ──(PROVIDER_COOLDOWN_SECONDS pass)──▶ half-open: the next turn may try it once
half-open ──success──▶ closed      half-open ──failure──▶ open again (cool-down restarts)

Why: a start-up probe that times out on a loaded machine, or an Ollama started after the bot,
used to switch a provider off for the life of the process. Now a failure only closes the door
for a cool-down; the next turn after it retries the provider with a real call, so recovery needs
no restart. A probe that cannot decide (a slow credential look-up) only warns: it never opens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from community_bot.models.providers import Trouble

BreakerState = Literal["closed", "open", "half-open"]

FAILURES_TO_OPEN = 3  # consecutive failed attempts; a whole call with two retries, by default


@dataclass(frozen=True)
class HealthView:
    """One provider's state as `/status`, `config show` and the metrics show it."""

    provider: str
    state: BreakerState
    detail: str  # the last failure, or what the last success/probe said
    trouble: Trouble | None  # None while closed
    retry_in_s: float  # seconds until a half-open try (0 unless open)
    failures: int  # consecutive failures


class CircuitBreaker:
    """The health of one provider; see the module docstring. Not thread-safe: one event loop."""

    def __init__(
        self,
        provider: str,
        *,
        cooldown_s: float,
        failures_to_open: int = FAILURES_TO_OPEN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self._cooldown_s = cooldown_s
        self._failures_to_open = failures_to_open
        self._clock = clock
        self._state: BreakerState = "closed"
        self._opened_at = 0.0
        self._failures = 0
        self._detail = "not checked yet"
        self._trouble: Trouble | None = None

    @property
    def state(self) -> BreakerState:
        """The state now; an open breaker whose cool-down passed reads as half-open."""
        if self._state == "open" and self._clock() - self._opened_at >= self._cooldown_s:
            self._state = "half-open"
        return self._state

    def usable(self) -> bool:
        """Whether routing may send this provider a call now (closed, or half-open: one try)."""
        return self.state != "open"

    def succeeded(self, detail: str | None = None) -> None:
        """A call (or a probe) worked: the provider is healthy again."""
        self._state = "closed"
        self._failures = 0
        self._trouble = None
        if detail is not None:
            self._detail = detail

    def failed(self, trouble: Trouble, detail: str, *, definitive: bool = False) -> None:
        """A failed attempt; opens after FAILURES_TO_OPEN in a row, at once when `definitive`
        (a missed deadline, a probe that found the provider unusable) or while half-open."""
        self._failures += 1
        self._trouble = trouble
        self._detail = detail
        if definitive or self.state == "half-open" or self._failures >= self._failures_to_open:
            self._state = "open"
            self._opened_at = self._clock()

    def noted(self, detail: str) -> None:
        """Remember a word about the provider (an undecided probe) without changing its state."""
        self._detail = detail

    def view(self) -> HealthView:
        state = self.state
        retry_in = (
            max(0.0, self._opened_at + self._cooldown_s - self._clock()) if state == "open" else 0.0
        )
        trouble = None if state == "closed" else self._trouble
        return HealthView(self.provider, state, self._detail, trouble, retry_in, self._failures)
