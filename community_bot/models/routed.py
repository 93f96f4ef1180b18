"""The ModelGateway behind the graph: tiers to models, fallbacks, retries, accounting, budget.

How a turn reaches a model:

1. `effective_tier` (called by the route node) applies the daily budget (past it, one tier down)
   and provider health, and says why when the tier changed.
2. `generate(tier)` walks that tier's chain: its model, then the models of the tiers below, then
   those above (a usable bigger model beats an answer from the docs alone), skipping providers
   whose circuit is open (`health`). BACKEND_MODE pins replace the chain: `nova` is NOVA_MODEL_ID
   then Ollama, `ollama` is OLLAMA_MODEL alone, `retrieval` is empty.
3. Each model gets `1 + MODEL_MAX_RETRIES` attempts for throttling, 5xx, timeouts and broken
   connections, with full-jitter exponential backoff; a 4xx or unknown model moves straight on.
   Every attempt, backoff included, fits in the turn's deadline: TURN_TIMEOUT_SECONDS to the
   first token, ANSWER_TIMEOUT_SECONDS for the whole answer. A missed first-token deadline opens
   that provider's circuit and ends the walk: the user gets the docs answer, with the reason.
4. A failure after tokens reached the user keeps the text and sets `cut`; falling back then
   would send a second, different answer after the first.
5. Whatever went wrong is summed up in `GenerationResult.note`, one short line the user sees.

Retries live here and only here (see `providers`), so the attempt count is what the emulator
sees and what the turn record lists.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, BaseMessageChunk

from community_bot.models.budget import Meter, open_spend_meter, utc_today
from community_bot.models.gateway import GenerationResult, TokenSink, discard_tokens
from community_bot.models.health import CircuitBreaker, HealthView
from community_bot.models.prices import PriceTable
from community_bot.models.probe import ProviderStatus, probe_bedrock, probe_ollama
from community_bot.models.providers import (
    OLLAMA,
    ChatModels,
    Failure,
    ModelSpec,
    Provider,
    Trouble,
    classify,
    resolve_model,
)
from community_bot.settings import MemorySettings, ModelSettings
from community_bot.types import RETRIEVAL_ONLY, TIERS, Tier

log = logging.getLogger(__name__)

PROVIDER_TROUBLES = frozenset({"unreachable", "timed out", "not configured"})
Link = tuple[Tier, ModelSpec]  # one step of a fallback chain: the tier it answers as, the model


@dataclass
class _Attempt:
    text: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_ms: float | None = None
    stop_reason: str | None = None
    failure: Failure | None = None
    missed_deadline: bool = False  # no first token before the turn's deadline


class _SinkFailed(Exception):
    """The caller's `on_token` raised: a bug to surface, not a provider failure to retry."""


class RoutedGateway:
    """Routes tiers to Bedrock and Ollama models with fallbacks; see the module docstring."""

    def __init__(
        self,
        models: ModelSettings,
        memory: MemorySettings,
        *,
        chat_models: ChatModels | None = None,
        spend: Meter | None = None,
        prices: PriceTable | None = None,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 8.0,
        probe_timeout_s: float = 2.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.models = models
        self.mode = models.backend_mode
        self._chat_models = chat_models or ChatModels(models)
        self._spend = spend or open_spend_meter(memory)
        self._prices = prices or PriceTable(models.model_prices)
        self._backoff_base_s = backoff_base_s
        self._backoff_cap_s = backoff_cap_s
        self._probe_timeout_s = probe_timeout_s
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._tier_models: dict[Tier, ModelSpec | None] = {
            tier: resolve_model(getattr(models, f"model_{tier}"), models) for tier in TIERS
        }
        self._ollama = resolve_model("ollama", models)
        self._nova = ModelSpec("bedrock", models.nova_model_id)
        # What the start-up probe said (for its log line); health decides, probe or not.
        self.availability: dict[Provider, ProviderStatus] = {}
        self.health: dict[Provider, CircuitBreaker] = {
            p: CircuitBreaker(p, cooldown_s=models.provider_cooldown_seconds)
            for p in ("bedrock", "ollama")
        }
        self._budget_noted: date | None = None

    # --- start-up -------------------------------------------------------------------------

    async def probe(self) -> dict[Provider, ProviderStatus]:
        """Check each provider this configuration uses; log one line per provider."""
        users = self._users()
        probes = {"bedrock": probe_bedrock, "ollama": probe_ollama}
        needed: list[Provider] = [p for p in ("bedrock", "ollama") if users[p]]
        results = await asyncio.gather(
            *(probes[p](self.models, timeout_s=self._probe_timeout_s) for p in needed)
        )
        self.availability = {status.provider: status for status in results}
        for found in results:
            breaker = self.health[found.provider]
            if found.undecided:
                breaker.noted(found.detail)
            elif found.usable:
                breaker.succeeded(found.detail)
            else:
                trouble: Trouble = (
                    "unreachable" if "unreachable" in found.detail else "not configured"
                )
                breaker.failed(trouble, found.detail, definitive=True)
        nothing_left = not any(self.chain(tier) for tier in TIERS)
        for provider in ("bedrock", "ollama"):
            status = self.availability.get(provider)
            if status is None and (waiting := self._tiers_without_ollama_model(provider)):
                names = ", ".join(f"MODEL_{t.upper()}" for t in waiting)
                log.warning(
                    "ollama: OLLAMA_MODEL not set — %s=ollama has no model; set OLLAMA_MODEL or %s",
                    names,
                    names,
                )
            elif status is None:
                log.info("%s: not used (BACKEND_MODE=%s)", provider, self.mode)
            elif status.undecided:
                log.warning("%s: %s — %s", provider, status.detail, users[provider])
            elif status.usable:
                log.info("%s: ready (%s) — %s", provider, status.detail, users[provider])
            else:
                plural = users[provider].startswith("tiers ")
                consequence = "fall back" if plural else "falls back"
                if nothing_left:
                    consequence += " to answers from the knowledge base alone"
                cooldown = self.models.provider_cooldown_seconds
                log.warning(
                    "%s: %s — %s %s (tried again in %g s)",
                    provider,
                    status.detail,
                    users[provider],
                    consequence,
                    cooldown,
                )
        return self.availability

    def _tiers_without_ollama_model(self, provider: Provider) -> list[Tier]:
        """Tiers routed to `ollama` while OLLAMA_MODEL is unset: worth a warning, not silence."""
        if provider != "ollama" or self.mode != "auto" or self.models.ollama_model:
            return []
        return [t for t in TIERS if getattr(self.models, f"model_{t}").strip().lower() == OLLAMA]

    def _users(self) -> dict[Provider, str]:
        """Who depends on each provider, in words for the probe's log lines; empty: nobody."""
        if self.mode == "retrieval":
            return {"bedrock": "", "ollama": ""}
        if self.mode == "nova":
            return {"bedrock": "BACKEND_MODE=nova", "ollama": "the fallback of BACKEND_MODE=nova"}
        if self.mode == "ollama":
            return {"bedrock": "", "ollama": "BACKEND_MODE=ollama"}
        users: dict[Provider, str] = {}
        for provider in ("bedrock", "ollama"):
            tiers = [t for t in TIERS if (s := self._tier_models[t]) and s.provider == provider]
            label = "tiers" if len(tiers) > 1 else "tier"
            users[provider] = f"{label} {', '.join(tiers)}" if tiers else ""
        return users

    def usable(self, spec: ModelSpec) -> bool:
        """Whether the model's provider may be called now (its circuit is not open)."""
        return self.health[spec.provider].usable()

    def provider_health(self) -> list[HealthView]:
        """Each provider this configuration uses, as its circuit breaker sees it now."""
        users = self._users()
        return [self.health[p].view() for p in ("bedrock", "ollama") if users[p]]

    # --- routing --------------------------------------------------------------------------

    def chain(self, tier: Tier) -> list[Link]:
        """Models to try for a tier, in order, with pins and availability applied (not budget)."""
        links: list[Link] = []
        if self.mode == "nova":
            links = [(tier, self._nova)]
            if self._ollama is not None:
                links.append(("small", self._ollama))
        elif self.mode == "ollama" and self._ollama is not None:
            links = [(tier, self._ollama)]
        elif self.mode == "auto":
            index = TIERS.index(tier)
            # Down first (cheaper, and the router judged it hard enough), then up: a bigger
            # model that works beats an answer from the docs alone.
            for other in [*reversed(TIERS[: index + 1]), *TIERS[index + 1 :]]:
                spec = self._tier_models[other]
                if spec is not None and spec not in (s for _, s in links):
                    links.append((other, spec))
        return [(t, spec) for t, spec in links if self.usable(spec)]

    def model_for(self, tier: Tier) -> str:
        """The first model `generate(tier)` will try, or `retrieval-only` when there is none."""
        links = self.chain(tier)
        return links[0][1].name if links else RETRIEVAL_ONLY

    def effective_tier(self, tier: Tier) -> tuple[Tier, str | None]:
        """The tier to generate at and, when it is not simply `tier`, why.

        The daily budget is applied here, once per turn, and not again in `generate`: the route
        node passes the tier returned here on to `model_for` and `generate`.
        """
        if self.mode == "retrieval":
            return tier, "BACKEND_MODE=retrieval answers from the knowledge base alone"
        reasons: list[str] = []
        if self.mode == "auto" and self.over_budget() and tier != "small":
            tier = TIERS[TIERS.index(tier) - 1]
            reasons.append(f"daily budget ${self.models.daily_budget_usd:.2f} reached")
        pinned = {"nova": self._nova, "ollama": self._ollama}
        wanted = pinned[self.mode] if self.mode in pinned else self._tier_models.get(tier)
        links = self.chain(tier)
        if self.mode != "auto":
            reasons.append(f"BACKEND_MODE={self.mode}")
        if not links:
            down = [v for v in self.provider_health() if v.state == "open"]
            why = "; ".join(f"{v.provider} {v.trouble or 'down'} ({v.detail})" for v in down)
            reasons.append(f"no model available: {why}" if why else "no model available")
            return tier, "; ".join(reasons)
        first_tier, first = links[0]
        if first != wanted:
            why = "not configured"
            if wanted is not None:
                view = self.health[wanted.provider].view()
                why = f"{view.trouble or 'down'}: {view.detail}"
            moved = "escalated to" if TIERS.index(first_tier) > TIERS.index(tier) else "using"
            reasons.append(
                f"{wanted.name if wanted else f'{tier} model'} unavailable ({why});"
                f" {moved} {first_tier} ({first.name})"
            )
        return first_tier, "; ".join(reasons) or None

    def notice(self, tier: Tier) -> str | None:
        """See `ModelGateway.notice`: the budget, or the providers whose circuit is open."""
        if self.mode == "retrieval":
            return None  # the docs alone are what was asked for
        parts: list[str] = []
        if self.mode == "auto" and tier != "small" and self.over_budget():
            parts.append(f"daily model budget ${self.models.daily_budget_usd:.2f} reached")
        effective, _ = self.effective_tier(tier)
        if not self.chain(effective):
            down = [v for v in self.provider_health() if v.state == "open"]
            parts += [f"{v.provider} {v.trouble}" for v in down if v.trouble != "not configured"]
        return "; ".join(parts) or None

    def over_budget(self) -> bool:
        """True past DAILY_BUDGET_USD today (UTC); logged once per day."""
        budget = self.models.daily_budget_usd
        if budget is None:
            return False
        spent = self._spend.today()
        if spent < budget:
            return False
        day = utc_today()
        if self._budget_noted != day:
            self._budget_noted = day
            log.warning(
                "daily model budget $%.2f reached ($%.4f spent today, UTC): routing one tier down",
                budget,
                spent,
            )
        return True

    def spent_today(self) -> float:
        """USD spent on models since UTC midnight (for /status)."""
        return self._spend.today()

    # --- generation -----------------------------------------------------------------------

    async def generate(
        self, tier: Tier, messages: Sequence[BaseMessage], on_token: TokenSink
    ) -> GenerationResult:
        """Answer at `tier` (already effective), streaming tokens; never raises for providers."""
        started = time.perf_counter()
        first_token_by = started + self.models.turn_timeout_seconds
        answer_by = started + self.models.answer_timeout_seconds
        result = GenerationResult(text="", model=None, tier=None)
        troubles: list[str] = []  # "model trouble", for the user's one-line note
        links = self.chain(tier)
        for link_tier, spec in links:
            if not self.usable(spec):  # its circuit opened during this turn
                continue
            breaker = self.health[spec.provider]
            try:
                chat = self._chat_models.get(spec)
            except Exception as exc:  # e.g. no AWS region: the client cannot even be built
                failure = classify(exc)
                result.attempts.append(f"{spec.name}: {failure.reason}")
                troubles.append(f"{spec.name} {failure.trouble}")
                breaker.failed(failure.trouble, failure.reason, definitive=True)
                log.warning("%s cannot be used: %s — next model", spec.name, failure.reason)
                continue
            for number in range(1, self.models.model_max_retries + 2):
                attempt = await self._attempt(
                    chat, messages, on_token, started, first_token_by, answer_by
                )
                if attempt.failure is None:
                    breaker.succeeded(f"{spec.name} answered")
                if attempt.failure is None or attempt.text:
                    if attempt.failure is not None and _provider_fault(attempt.failure):
                        breaker.failed(attempt.failure.trouble, attempt.failure.reason)
                    self._finish(result, link_tier, spec, attempt, messages, started)
                    result.note = self._note(result, tier, troubles, attempt.failure)
                    return result
                failure = attempt.failure
                result.attempts.append(f"{spec.name}: {failure.reason}")
                troubles.append(f"{spec.name} {failure.trouble}")
                if _provider_fault(failure):
                    breaker.failed(
                        failure.trouble, failure.reason, definitive=attempt.missed_deadline
                    )
                if attempt.missed_deadline:
                    result.timed_out = True
                    log.warning(
                        "%s: no first token within TURN_TIMEOUT_SECONDS=%g — answering from the"
                        " docs; %s skipped for %g s",
                        spec.name,
                        self.models.turn_timeout_seconds,
                        spec.provider,
                        self.models.provider_cooldown_seconds,
                    )
                    break
                delay = self._backoff(number)
                fits = time.perf_counter() + delay < first_token_by
                if failure.retryable and number <= self.models.model_max_retries and fits:
                    log.warning(
                        "%s attempt %d failed: %s — retrying in %.2f s",
                        spec.name,
                        number,
                        failure.reason,
                        delay,
                    )
                    await self._sleep(delay)
                    continue
                log.warning(
                    "%s attempt %d failed: %s — next model", spec.name, number, failure.reason
                )
                break
            if result.timed_out:
                break
        result.latency_ms = (time.perf_counter() - started) * 1000
        if links:
            log.error("no model answered at tier %s: %s", tier, "; ".join(result.attempts))
        result.note = _sentence(troubles) if troubles else None
        return result

    def _note(
        self,
        result: GenerationResult,
        routed: Tier,
        troubles: list[str],
        broke: Failure | None,
    ) -> str | None:
        """One short line for the user when the answer is worse than asked for, else None."""
        if broke is not None:
            return f"{result.model} {broke.trouble} ({broke.reason})"
        if troubles and result.tier is not None and TIERS.index(result.tier) < TIERS.index(routed):
            return f"{_sentence(troubles)}, so {result.model} answered instead"
        return None

    async def _attempt(
        self,
        chat: BaseChatModel,
        messages: Sequence[BaseMessage],
        on_token: TokenSink,
        started: float,
        first_token_by: float,
        answer_by: float,
    ) -> _Attempt:
        """One streamed call within the turn's deadlines; the text sent so far survives a
        failure. The deadlines are on `time.perf_counter`; asyncio's timeout uses the loop's
        clock, so they are converted once here."""
        attempt = _Attempt()
        parts: list[str] = []
        done = False
        if on_token is discard_tokens:  # nobody reads the tokens: one piece, no streaming
            stream: AsyncIterator[BaseMessage | BaseMessageChunk] = _whole(chat, messages)
        else:
            stream = chat.astream(list(messages))
        loop_now = asyncio.get_running_loop().time()
        offset = loop_now - time.perf_counter()
        try:
            async with asyncio.timeout_at(min(first_token_by, answer_by) + offset) as deadline:
                async for chunk in stream:
                    token = chunk.text
                    if token:
                        if attempt.ttft_ms is None:
                            attempt.ttft_ms = (time.perf_counter() - started) * 1000
                            deadline.reschedule(answer_by + offset)
                        parts.append(token)
                        try:
                            on_token(token)
                        except Exception as exc:
                            raise _SinkFailed from exc
                    usage = getattr(chunk, "usage_metadata", None)
                    if usage:
                        attempt.input_tokens = (attempt.input_tokens or 0) + usage["input_tokens"]
                        attempt.output_tokens = (attempt.output_tokens or 0) + usage[
                            "output_tokens"
                        ]
                    meta = chunk.response_metadata
                    # Bedrock names the end `stopReason`; Ollama sends `done` with `done_reason`.
                    if reason := meta.get("stopReason") or meta.get("done_reason"):
                        attempt.stop_reason = str(reason)
                    done = done or "stopReason" in meta or meta.get("done") is True
        except _SinkFailed as exc:
            raise exc.__cause__ from None  # type: ignore[misc]
        except TimeoutError as exc:
            if deadline.expired():
                first = attempt.ttft_ms is None
                limit = "TURN_TIMEOUT_SECONDS" if first else "ANSWER_TIMEOUT_SECONDS"
                seconds = (first_token_by if first else answer_by) - started
                what = "no first token" if first else "answer unfinished"
                attempt.failure = Failure(
                    f"{what} within {limit}={seconds:g} s", retryable=False, trouble="timed out"
                )
                attempt.missed_deadline = first
            else:
                attempt.failure = classify(exc)
            log.debug("model call timed out", exc_info=True)
        except Exception as exc:
            attempt.failure = classify(exc)
            log.debug("model call failed", exc_info=True)
        if attempt.failure is None and not done:
            attempt.failure = Failure("stream ended before the model finished", retryable=True)
        attempt.text = "".join(parts)
        return attempt

    def _finish(
        self,
        result: GenerationResult,
        tier: Tier,
        spec: ModelSpec,
        attempt: _Attempt,
        messages: Sequence[BaseMessage],
        started: float,
    ) -> GenerationResult:
        if attempt.failure is not None:
            result.attempts.append(f"{spec.name}: {attempt.failure.reason}")
            result.cut = True
            log.warning(
                "%s broke off mid-answer: %s — keeping the partial text",
                spec.name,
                attempt.failure.reason,
            )
        # A broken stream carries no usage: estimate (~4 characters a token) so spend is not 0.
        input_tokens = attempt.input_tokens
        if input_tokens is None:
            input_tokens = sum(len(str(m.content)) for m in messages) // 4
        output_tokens = attempt.output_tokens
        if output_tokens is None:
            output_tokens = (len(attempt.text) + 3) // 4
        result.text = attempt.text
        result.model = spec.name
        result.tier = tier
        result.input_tokens = input_tokens
        result.output_tokens = output_tokens
        result.ttft_ms = attempt.ttft_ms
        result.stop_reason = attempt.stop_reason
        result.cost_usd = self._prices.cost(
            spec.name, input_tokens, output_tokens, local=spec.provider == "ollama"
        )
        result.latency_ms = (time.perf_counter() - started) * 1000
        self._spend.add(result.cost_usd)
        return result

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^(attempt-1))]."""
        ceiling = min(self._backoff_cap_s, self._backoff_base_s * 2 ** (attempt - 1))
        return self._rng.uniform(0, ceiling)

    def close(self) -> None:
        self._spend.close()


async def _whole(
    chat: BaseChatModel, messages: Sequence[BaseMessage]
) -> AsyncIterator[BaseMessage]:
    """The model's whole answer as a stream of one message (usage and stop reason included)."""
    yield await chat.ainvoke(list(messages))


def _provider_fault(failure: Failure) -> bool:
    """Whether a failure says the provider (not one model, not the request) is in trouble:
    unreachable or silent. A throttled or erroring model leaves its provider's other models."""
    return failure.health and failure.trouble in PROVIDER_TROUBLES


def _sentence(troubles: list[str]) -> str:
    """`["a unreachable", "a unreachable", "b throttled"]` → "a unreachable, b throttled"."""
    return ", ".join(dict.fromkeys(troubles))
