"""Model routing by query complexity: a tier for a message without calling a model.

Placeholder rule until the real router lands: long or code-bearing messages are large, questions
medium, everything else small.
"""

from __future__ import annotations

from dataclasses import dataclass

from community_bot.types import Tier


@dataclass(frozen=True)
class RouteChoice:
    """A tier and the reason for it, recorded in the graph state."""

    tier: Tier
    reason: str


def decide(
    text: str,
    *,
    previous_tier: Tier | None = None,
    previous_text: str | None = None,
    kb_top_score: float | None = None,
    kb_hit: bool | None = None,
) -> RouteChoice:
    """Pick a tier for `text`."""
    if len(text) > 400 or "```" in text:
        return RouteChoice("large", "long message or code")
    if "?" in text:
        return RouteChoice("medium", "question")
    return RouteChoice("small", "short message")
