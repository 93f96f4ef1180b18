"""Ask a list of questions through the real app and time each answer.

Each question goes through `open_app` exactly as a Discord message does: the start-up probe of
the providers, retrieval from the knowledge base, routing (or the tier given with `--tier`),
the gateway with its fallbacks, and splitting. Every question gets a fresh thread, forgotten
afterwards, so earlier questions never lengthen the prompt. Answers cost what they cost: they
count toward today's spend and appear in the turn ledger (thread `bench:…`).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from community_bot.errors import CommunityBotError
from community_bot.routing import RouteChoice
from community_bot.settings import Settings
from community_bot.turns import Author, FinalReply, TokenEvent
from community_bot.types import RETRIEVAL_ONLY, TIERS, Tier
from nodes.services import Router, build_services
from runtime.app import open_app
from runtime.conversation import Conversation

BENCH_AUTHOR = Author(id="community-bot-bench", name="bench")
RESPONSE_TIME_GATE_S = 5.0
ERROR_RATE_GATE_PCT = 1.0
DAILY_COST_GATE_USD = 2.0


class NoModelToBenchmark(CommunityBotError):
    """No language model is usable, so there is nothing to time."""


@dataclass(frozen=True)
class Answer:
    """One timed question."""

    question: str
    model: str  # `retrieval-only` when no model answered
    tier: Tier | None
    outcome: str  # ok, fallback, cut, retrieval_only
    first_token_s: float | None  # time to the first streamed token
    response_s: float  # time to the complete reply
    input_tokens: int
    output_tokens: int
    cost_usd: float
    chars: int

    @property
    def failed(self) -> bool:
        """No model answered, or the answer broke off: the member did not get a model's answer."""
        return self.outcome in {"retrieval_only", "cut"}

    @property
    def tokens_per_s(self) -> float | None:
        """Output speed once streaming started."""
        if self.first_token_s is None or self.response_s <= self.first_token_s:
            return None
        return self.output_tokens / (self.response_s - self.first_token_s)


@dataclass(frozen=True)
class LiveRun:
    """Every answer of a run, and the statistics the quality gates are checked on."""

    answers: list[Answer]
    answers_per_day: int
    models: dict[str, str] = field(default_factory=dict)  # tier -> model at start-up

    @property
    def answered(self) -> list[Answer]:
        return [a for a in self.answers if not a.failed]

    @property
    def error_rate_pct(self) -> float:
        return 100 * (len(self.answers) - len(self.answered)) / len(self.answers)

    def response_times(self) -> list[float]:
        return [a.response_s for a in self.answered]

    def stats(self) -> dict[str, float | None]:
        """Mean, standard deviation, min and max response time of the answered questions."""
        times = self.response_times()
        if not times:
            return {"mean_s": None, "std_s": None, "min_s": None, "max_s": None}
        return {
            "mean_s": statistics.mean(times),
            "std_s": statistics.stdev(times) if len(times) > 1 else 0.0,
            "min_s": min(times),
            "max_s": max(times),
        }

    @property
    def cost_per_answer_usd(self) -> float:
        return sum(a.cost_usd for a in self.answers) / len(self.answers)

    @property
    def daily_cost_usd(self) -> float:
        return self.cost_per_answer_usd * self.answers_per_day

    def gates(self) -> list[tuple[str, str, bool]]:
        """(gate, measured, passed) for the three measurable quality gates."""
        mean = self.stats()["mean_s"]
        return [
            (
                f"Response time < {RESPONSE_TIME_GATE_S:g} s avg",
                "no answer" if mean is None else f"{mean:.2f} s",
                mean is not None and mean < RESPONSE_TIME_GATE_S,
            ),
            (
                f"Error rate < {ERROR_RATE_GATE_PCT:g}%",
                f"{self.error_rate_pct:.1f}% of {len(self.answers)}",
                self.error_rate_pct < ERROR_RATE_GATE_PCT,
            ),
            (
                f"Daily cost < ${DAILY_COST_GATE_USD:g}",
                f"${self.daily_cost_usd:.2f} at {self.answers_per_day} answers/day",
                self.daily_cost_usd < DAILY_COST_GATE_USD,
            ),
        ]


def pinned(tier: Tier) -> Router:
    """A router that always picks `tier`, for `--tier`."""

    def route(text: str, **_context: object) -> RouteChoice:
        return RouteChoice(tier, f"pinned by community-bot bench --tier {tier}")

    return route


async def run_questions(
    settings: Settings,
    questions: Sequence[str],
    *,
    tier: Tier | None = None,
    answers_per_day: int = 500,
) -> LiveRun:
    """Ask every question once, in order; raises `NoModelToBenchmark` if no model is usable."""
    services = build_services(settings)
    if tier is not None:
        services.router = pinned(tier)
    async with open_app(settings, services) as app:
        models: dict[str, str] = {t: app.services.models.model_for(t) for t in TIERS}
        wanted = [tier] if tier is not None else list(TIERS)
        if all(models[t] == RETRIEVAL_ONLY for t in wanted):
            raise NoModelToBenchmark(_nothing_usable(settings, tier))
        answers = []
        for question in questions:
            thread = f"bench:{uuid.uuid4().hex[:12]}"
            try:
                answers.append(await _ask(app.conversation, thread, question))
            finally:
                await app.conversation.reset(thread)
    return LiveRun(answers, answers_per_day, models)


async def _ask(conversation: Conversation, thread: str, question: str) -> Answer:
    started = time.perf_counter()
    first: float | None = None
    final: FinalReply | None = None
    response = 0.0
    async for event in conversation.stream_turn(thread, question, BENCH_AUTHOR):
        if isinstance(event, TokenEvent) and first is None:
            first = time.perf_counter() - started
        elif isinstance(event, FinalReply) and final is None:
            final, response = event, time.perf_counter() - started
    if final is None or final.turn is None:
        raise RuntimeError("the conversation ended without a reply")
    turn = final.turn
    return Answer(
        question=question,
        model=turn["model"],
        tier=turn["tier"],
        outcome=turn["outcome"],
        first_token_s=first if turn["model"] != RETRIEVAL_ONLY else None,
        response_s=response,
        input_tokens=turn["input_tokens"],
        output_tokens=turn["output_tokens"],
        cost_usd=turn["cost_usd"],
        chars=len(final.text),
    )


def _nothing_usable(settings: Settings, tier: Tier | None) -> str:
    which = f"tier {tier}" if tier else "any tier"
    return (
        f"no language model is usable for {which} (BACKEND_MODE={settings.backend_mode}), so "
        "there is nothing to benchmark. Configure Bedrock (AWS credentials and AWS_REGION; the "
        "MODEL_MEDIUM/MODEL_LARGE or NOVA_MODEL_ID ids) or Ollama (OLLAMA_MODEL, "
        "OLLAMA_BASE_URL), then run again; the start-up log above says what each provider lacks."
    )
