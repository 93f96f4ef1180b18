"""Provider health is a circuit breaker, not a verdict: it opens on failures, lets one turn try
again after the cool-down, and closes on success. An undecided start-up probe changes nothing."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from langchain_core.messages import HumanMessage

from community_bot.models import RoutedGateway
from community_bot.models.health import FAILURES_TO_OPEN, CircuitBreaker
from community_bot.settings import Settings
from tests.emulators.bedrock_runtime import BedrockEmulator, answer, fail
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator, refused_url
from tests.models.conftest import MakeGateway

PRO, LITE = "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0"
QUESTION = [HumanMessage("Why does the build fail on Windows?")]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_breaker_opens_after_failures_waits_then_lets_one_try_through() -> None:
    clock = Clock()
    breaker = CircuitBreaker("ollama", cooldown_s=30, clock=clock)
    for _ in range(FAILURES_TO_OPEN - 1):
        breaker.failed("unreachable", "connection refused")
    assert breaker.state == "closed"
    breaker.failed("unreachable", "connection refused")
    assert (breaker.state, breaker.usable()) == ("open", False)
    assert breaker.view().trouble == "unreachable"
    clock.now += 29
    assert breaker.view().retry_in_s == pytest.approx(1)
    clock.now += 1
    assert (breaker.state, breaker.usable()) == ("half-open", True)
    breaker.failed("unreachable", "connection refused")  # the try failed: closed for 30 s more
    assert breaker.state == "open"
    clock.now += 30
    breaker.succeeded("answered")
    assert (breaker.state, breaker.view().failures, breaker.view().trouble) == ("closed", 0, None)


def test_a_missed_deadline_opens_at_once() -> None:
    breaker = CircuitBreaker("bedrock", cooldown_s=30, clock=Clock())
    breaker.failed("timed out", "no first token", definitive=True)
    assert breaker.state == "open"


async def test_a_probe_out_of_time_leaves_bedrock_in_use(
    make_settings: Callable[..., Settings],
    bedrock: BedrockEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The busy machine: credential resolution outlasts the probe. It used to switch Bedrock off
    for the life of the process; now it warns and the first call decides."""
    # A machine so busy that nothing resolves within the probe's time.
    settings = make_settings()
    gateway = RoutedGateway(settings.models, settings.memory, probe_timeout_s=1e-9)
    try:
        found = await gateway.probe()
        assert found["bedrock"].undecided
        assert "still resolving" in caplog.text
        assert gateway.health["bedrock"].state == "closed"
        result = await gateway.generate("large", QUESTION, lambda _: None)
    finally:
        gateway.close()
    assert (result.model, bedrock.model_ids()) == (PRO, [PRO])


async def test_an_ollama_that_starts_late_is_used_after_the_cool_down(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    with refused_url() as url:
        port = int(url.rsplit(":", 1)[1])
    gateway = make_gateway(
        ollama_base_url=url,
        backend_mode="ollama",
        model_max_retries=0,
        provider_cooldown_seconds=0,  # the cool-down (tested above) has passed
    )
    await gateway.probe()
    assert gateway.health["ollama"].view().trouble == "unreachable"
    assert (await gateway.generate("small", QUESTION, lambda _: None)).model is None

    late = OllamaEmulator(models=[OLLAMA_MODEL])
    late.port = port  # the address the bot was configured with
    async with late:
        result = await gateway.generate("small", QUESTION, lambda _: None)
    assert result.model == f"ollama/{OLLAMA_MODEL}"
    assert gateway.health["ollama"].state == "closed"


async def test_throttling_of_one_model_does_not_close_its_provider(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, fail("ThrottlingException"))
    gateway = make_gateway()
    for _ in range(2):
        result = await gateway.generate("large", QUESTION, lambda _: None)
        assert result.model == LITE
        assert result.note == f"{PRO} throttled, so {LITE} answered instead"
    assert gateway.health["bedrock"].state == "closed"


async def test_auto_mode_without_ollama_escalates_instead_of_the_docs(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    gateway = make_gateway(ollama_model=None)
    await gateway.probe()
    tier, why = gateway.effective_tier("small")
    assert tier == "medium"
    assert why is not None and f"escalated to medium ({LITE})" in why
    assert gateway.notice("small") is None  # a better model is not a worse answer


class Ceiling(random.Random):
    """Backoff jitter at its ceiling: the longest wait the policy allows."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def test_retries_fit_in_the_turn_deadline(
    make_settings: Callable[..., Settings], bedrock: BedrockEmulator
) -> None:
    settings = make_settings(turn_timeout_seconds=30)
    gateway = RoutedGateway(
        settings.models, settings.memory, backoff_base_s=600, backoff_cap_s=600, rng=Ceiling()
    )
    bedrock.script(PRO, fail("ThrottlingException"))
    try:
        result = await gateway.generate("large", QUESTION, lambda _: None)
    finally:
        gateway.close()
    # A 600 s backoff does not fit in 30 s: no retry, straight to the next model.
    assert bedrock.model_ids() == [PRO, LITE]
    assert result.model == LITE


async def test_a_slow_whole_answer_is_kept_and_marked_cut(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, answer("one two three four", token_delay_s=20))
    gateway = make_gateway(answer_timeout_seconds=3, turn_timeout_seconds=3)
    result = await gateway.generate("large", QUESTION, lambda _: None)
    assert (result.text, result.cut, result.model) == ("one ", True, PRO)
    assert result.attempts == [f"{PRO}: answer unfinished within ANSWER_TIMEOUT_SECONDS=3 s"]
    assert result.note is not None and "timed out" in result.note


async def test_a_provider_whose_client_cannot_be_built_is_a_failure_not_a_crash(
    make_gateway: MakeGateway,
    bedrock: BedrockEmulator,
    ollama: OllamaEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An undecided probe keeps Bedrock in use; without a region its client cannot be built."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    gateway = make_gateway()
    result = await gateway.generate("large", QUESTION, lambda _: None)
    assert result.model == f"ollama/{OLLAMA_MODEL}"
    assert result.attempts[0] == f"{PRO}: no AWS region"
    assert gateway.health["bedrock"].view().trouble == "not configured"
    assert bedrock.requests == []
