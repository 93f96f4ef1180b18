"""A model for benchmarks: streams a fixed answer with a chosen latency, and notes when.

It stands in for the whole `ModelGateway` so a benchmark measures everything except the model:
with no delay it answers "instantly" (graph overhead), with `first_token_s` it behaves like a
model that thinks for that long (concurrency), with `token_interval_s` like one that streams at a
realistic rate (the Discord path).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage
from langchain_core.messages.utils import count_tokens_approximately

from community_bot.models.gateway import GenerationResult, TokenSink
from community_bot.types import Tier

ANSWER = (
    "Install it with `pip install community-bot`, then run `community-bot chat` to try it in the "
    "terminal. On macOS, Homebrew's Python works too; on Windows use the py launcher. The docs "
    "have a section on each platform [1], and the FAQ explains how to point it at your own "
    "knowledge base [2]."
)


@dataclass
class StreamingGateway:
    """A `ModelGateway` whose every tier streams `answer` word by word.

    `first_token_s` is awaited before the first word and `token_interval_s` between words
    (asyncio sleeps: simulated model time that leaves the event loop free, as a real network
    call does). `first_token_at` maps each prompt's last message to the `time.monotonic()` of its
    first word, so a benchmark can match an answer to the question it answers.
    """

    answer: str = ANSWER
    first_token_s: float = 0.0
    token_interval_s: float = 0.0
    first_token_at: dict[str, float] = field(default_factory=dict)

    def model_for(self, tier: Tier) -> str:
        return f"bench-{tier}"

    def effective_tier(self, tier: Tier) -> tuple[Tier, str | None]:
        return tier, None

    def notice(self, tier: Tier) -> str | None:
        return None

    async def generate(
        self, tier: Tier, messages: Sequence[BaseMessage], on_token: TokenSink
    ) -> GenerationResult:
        started = time.perf_counter()
        if self.first_token_s:
            await asyncio.sleep(self.first_token_s)
        words = self.answer.split(" ")
        for index, word in enumerate(words):
            if index == 0:
                self.first_token_at[str(messages[-1].content)] = time.monotonic()
            elif self.token_interval_s:
                await asyncio.sleep(self.token_interval_s)
            on_token(word if index == 0 else f" {word}")
        return GenerationResult(
            text=self.answer,
            model=f"bench-{tier}",
            tier=tier,
            input_tokens=count_tokens_approximately(messages),
            output_tokens=len(words),
            latency_ms=(time.perf_counter() - started) * 1000,
        )
