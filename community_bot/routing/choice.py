"""The router's verdict: a tier, the reason for it, and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass

from community_bot.types import Tier

Weighed = tuple[str, float]  # a signal or feature, and how much it moved the decision


@dataclass(frozen=True)
class RouteChoice:
    """A tier, the reason for it, and the weighted evidence behind it (for `route` and tuning).

    `score` is the learned router's probability that the message needs the large tier (the
    hand-tuned router's weight sum for `rules.decide`).
    """

    tier: Tier
    reason: str
    score: float = 0.0
    signals: tuple[Weighed, ...] = ()
