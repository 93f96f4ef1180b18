"""In-process stand-ins for the model layer and knowledge base, for graph-level tests.

Over-the-wire tests of the real clients live with the emulators; these fakes let graph tests
script exact answers with LangChain's fake chat models and see exactly what each model received.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from community_bot.models.gateway import GenerationResult, TokenSink
from community_bot.types import RETRIEVAL_ONLY, Passage, RetrievalOutcome, Tier


@dataclass
class ScriptedGateway:
    """A ModelGateway whose tiers answer from scripts; records every prompt it was sent."""

    answers: list[str] = field(default_factory=list)
    down: set[Tier] = field(default_factory=set)
    no_models: bool = False
    prompts: list[list[BaseMessage]] = field(default_factory=list)
    tiers_called: list[Tier] = field(default_factory=list)
    route_notice: str | None = None  # what `notice` says (budget reached, providers down)
    generation_note: str | None = None  # the `note` of every GenerationResult

    def model_for(self, tier: Tier) -> str:
        return RETRIEVAL_ONLY if self.no_models else f"fake-{tier}"

    def effective_tier(self, tier: Tier) -> tuple[Tier, str | None]:
        return tier, None

    def notice(self, tier: Tier) -> str | None:
        return self.route_notice

    async def generate(
        self, tier: Tier, messages: Sequence[BaseMessage], on_token: TokenSink
    ) -> GenerationResult:
        self.prompts.append(list(messages))
        self.tiers_called.append(tier)
        if tier in self.down or self.no_models:
            return GenerationResult(
                text="",
                model=None,
                tier=None,
                attempts=[f"fake-{tier}: down"],
                note=self.generation_note,
            )
        answer = self.answers.pop(0) if self.answers else f"answer from {tier}"
        model = GenericFakeChatModel(messages=iter([AIMessage(content=answer)]))
        started = time.perf_counter()
        text = ""
        async for chunk in model.astream(list(messages)):
            token = str(chunk.content)
            text += token
            on_token(token)
        return GenerationResult(
            text=text,
            model=f"fake-{tier}",
            tier=tier,
            input_tokens=sum(len(str(m.content).split()) for m in messages),
            output_tokens=len(text.split()),
            latency_ms=(time.perf_counter() - started) * 1000,
            note=self.generation_note,
        )


@dataclass
class FixedKnowledge:
    """Knowledge that returns the same passages for every query, or none."""

    passages: list[Passage] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)

    async def retrieve(
        self, query: str, k: int | None = None
    ) -> tuple[list[Passage], RetrievalOutcome]:
        self.queries.append(query)
        scores = [p["score"] for p in self.passages]
        outcome: RetrievalOutcome = {
            "hit": bool(self.passages),
            "top_score": max(scores) if scores else None,
            "scores": scores,
            "sources": [p["source"] for p in self.passages],
            "latency_ms": 0.1,
        }
        return list(self.passages), outcome


@dataclass(frozen=True)
class Choice:
    tier: Tier
    reason: str


def length_router(
    text: str,
    *,
    previous_tier: Tier | None = None,
    previous_text: str | None = None,
    kb_top_score: float | None = None,
    kb_hit: bool | None = None,
) -> Choice:
    """Long messages are large, questions medium, the rest small; enough to exercise routing."""
    if len(text) > 200:
        return Choice("large", "long message")
    if "?" in text:
        return Choice("medium", "question")
    return Choice("small", "chit-chat")


def passage(text: str, title: str = "Install", source: str = "knowledge/install.md") -> Passage:
    return {
        "text": text,
        "title": title,
        "source": source,
        "heading": "",
        "score": 1.0,
        "origin": "local",
    }
