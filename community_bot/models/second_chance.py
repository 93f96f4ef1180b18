"""Cheap second chances: when a cheaper model's answer shows it is out of its depth, ask once more
one tier up, within the same turn.

Out of its depth means: it stopped at the length limit (`max_tokens` on Bedrock, `length` on
Ollama), it refused, or it said it does not know while the knowledge base had matching passages
(the material was there; the model could not use it). Only the opening of the answer is read: a
long answer that mentions "I'm not sure" halfway is an answer. The retry goes through the
gateway like any turn (budget and pins apply: no second chance past the daily budget), and the
reason and turn record say it happened, so a cheaper tier's misses are counted, not hidden.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from langchain_core.messages import BaseMessage

from community_bot.models.gateway import GenerationResult, ModelGateway, TokenSink
from community_bot.types import RETRIEVAL_ONLY, TIERS

OPENING_CHARS = 400
LENGTH_STOPS = frozenset({"max_tokens", "length"})
log = logging.getLogger(__name__)

NOTE = "\n\n*(That answer fell short; asking a stronger model…)*\n\n"

_REFUSAL = re.compile(
    r"\b(?:i(?:'m| am) (?:sorry,? (?:but )?)?(?:not able|unable) to (?:help|answer|assist)"
    r"|i can(?:'|no)?t (?:help|answer|assist) with|i cannot (?:help|answer|assist))",
    re.I,
)
_UNSURE = re.compile(
    r"\b(?:i (?:do not|don'?t) know|i'?m not sure|i am not sure|i have no information"
    r"|(?:is|are) not (?:mentioned|covered) in the (?:provided |reference )?"
    r"(?:material|documents?|context|passages))",
    re.I,
)


def out_of_depth(text: str, stop_reason: str | None, kb_hit: bool) -> str | None:
    """Why this answer needs a stronger model, in words for the reason; None when it is fine."""
    if stop_reason in LENGTH_STOPS:
        return "stopped at the length limit"
    opening = text[:OPENING_CHARS]
    if _REFUSAL.search(opening):
        return "refused"
    if kb_hit and _UNSURE.search(opening):
        return "said it did not know though the knowledge base had matches"
    return None


async def retry_higher(
    gateway: ModelGateway,
    result: GenerationResult,
    messages: Sequence[BaseMessage],
    on_token: TokenSink,
    *,
    kb_hit: bool,
) -> tuple[GenerationResult, str] | None:
    """The stronger answer and why it was asked for, or None when no second chance applies.

    The returned result carries both calls' tokens, cost and failed attempts: the turn paid for
    both. When the stronger model fails too (or only a fallback at the same tier answers), the
    first answer stands (None) and a warning says so.
    """
    if result.model is None or result.cut or result.tier is None:
        return None
    why = out_of_depth(result.text, result.stop_reason, kb_hit)
    if why is None or result.tier == TIERS[-1]:
        return None
    tier, _ = gateway.effective_tier(TIERS[TIERS.index(result.tier) + 1])
    if TIERS.index(tier) <= TIERS.index(result.tier) or gateway.model_for(tier) == RETRIEVAL_ONLY:
        return None
    on_token(NOTE)
    retry = await gateway.generate(tier, messages, on_token)
    if retry.model is None or retry.tier is None or TIERS.index(retry.tier) < TIERS.index(tier):
        # The stronger model failed and its chain fell back to this tier or lower: no better.
        log.warning(
            "second chance on %s failed (%s); keeping the %s answer, which %s",
            tier,
            "; ".join(retry.attempts) or "no model",
            result.tier,
            why,
        )
        return None
    merged = replace(
        retry,
        input_tokens=result.input_tokens + retry.input_tokens,
        output_tokens=result.output_tokens + retry.output_tokens,
        cost_usd=result.cost_usd + retry.cost_usd,
        latency_ms=result.latency_ms + retry.latency_ms,
        ttft_ms=result.ttft_ms,
        attempts=[*result.attempts, *retry.attempts],
    )
    return merged, f"second chance on {tier}: the {result.tier} model {why}"
