"""The one door nodes use to reach a language model: "answer at this tier", nothing more.

Nodes never build clients. The gateway resolves a tier to a chain of models (the tier's model,
then the tiers below), streams tokens through `on_token`, and returns what happened. Provider
failures never escape as exceptions: a result with `model=None` means every model failed and the
caller answers from retrieval alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.messages import BaseMessage

from community_bot.types import Tier

TokenSink = Callable[[str], None]


def discard_tokens(_token: str) -> None:
    """The token sink of a caller that reads only the finished text (summary, thread title).

    A gateway may recognise it and ask for the whole answer at once: streaming costs CPU per
    token (and, for a provider without native async streaming, a thread hop per token).
    """


@dataclass
class GenerationResult:
    """What one generation produced and cost."""

    text: str
    model: str | None  # None: no model could answer
    tier: Tier | None
    input_tokens: int = 0
    output_tokens: int = 0
    ttft_ms: float | None = None
    latency_ms: float = 0.0
    cost_usd: float = 0.0
    attempts: list[str] = field(default_factory=list)  # "model: reason" per failed attempt
    cut: bool = False  # the stream broke after tokens were sent
    stop_reason: str | None = None  # end_turn, max_tokens, stop… as the provider said it
    timed_out: bool = False  # no first token within TURN_TIMEOUT_SECONDS
    # One short line for the user when the answer is worse than asked for (a model unreachable,
    # throttled or timed out, the stream cut), e.g. "amazon.nova-pro-v1:0 timed out"; else None.
    note: str | None = None


class ModelGateway(Protocol):
    """What the graph needs from the model layer."""

    def model_for(self, tier: Tier) -> str:
        """Name of the model a tier resolves to right now (pins and budget applied)."""
        ...

    def effective_tier(self, tier: Tier) -> tuple[Tier, str | None]:
        """The tier actually used and, when it differs, why (pin, budget, provider down)."""
        ...

    def notice(self, tier: Tier) -> str | None:
        """One short line for the user when a turn routed at `tier` will be answered worse than
        that before any call (daily budget reached, every configured model unreachable), e.g.
        "ollama unreachable"; None when nothing is wrong or no model is configured at all."""
        ...

    async def generate(
        self, tier: Tier, messages: Sequence[BaseMessage], on_token: TokenSink
    ) -> GenerationResult:
        """Answer with the tier's chain of models; never raises for provider failures."""
        ...
