"""BACKEND_MODE pins and the daily budget decide the model before any request is sent."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from community_bot.models.budget import SpendMeter
from community_bot.types import RETRIEVAL_ONLY, TIERS
from tests.emulators.bedrock_runtime import BedrockEmulator, answer, fail
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator
from tests.models.conftest import MakeGateway

PRO, LITE, MICRO = "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0"
OLLAMA = f"ollama/{OLLAMA_MODEL}"
QUESTION = [HumanMessage("How do I reset my password?")]


async def test_nova_pin_sends_every_tier_to_nova_model_id(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    gateway = make_gateway(backend_mode="nova", nova_model_id=MICRO)

    for tier in TIERS:
        assert gateway.model_for(tier) == MICRO
        assert gateway.effective_tier(tier) == (tier, "BACKEND_MODE=nova")
        result = await gateway.generate(tier, QUESTION, lambda _: None)
        assert (result.model, result.tier) == (MICRO, tier)

    assert bedrock.model_ids() == [MICRO] * 3
    assert ollama.model_names() == []


async def test_nova_pin_falls_back_to_ollama(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    bedrock.script(PRO, fail("AccessDeniedException"))

    result = await make_gateway(backend_mode="nova").generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO]
    assert ollama.model_names() == [OLLAMA_MODEL]
    assert (result.model, result.tier) == (OLLAMA, "small")


async def test_ollama_pin_sends_every_tier_to_ollama(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    gateway = make_gateway(backend_mode="ollama")

    for tier in TIERS:
        assert gateway.model_for(tier) == OLLAMA
        result = await gateway.generate(tier, QUESTION, lambda _: None)
        assert result.model == OLLAMA

    assert ollama.model_names() == [OLLAMA_MODEL] * 3
    assert bedrock.model_ids() == []


async def test_ollama_pin_never_falls_back_to_bedrock(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    result = await make_gateway(backend_mode="ollama", ollama_model="missing:1b").generate(
        "large", QUESTION, lambda _: None
    )

    assert result.model is None
    assert bedrock.model_ids() == []


async def test_retrieval_pin_uses_no_model_at_all(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    gateway = make_gateway(backend_mode="retrieval")

    result = await gateway.generate("large", QUESTION, lambda _: None)

    assert result.model is None
    assert result.attempts == []
    assert gateway.model_for("large") == RETRIEVAL_ONLY
    assert bedrock.model_ids() == [] and ollama.model_names() == []


async def test_past_the_daily_budget_large_routes_to_medium_and_says_so_once(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = make_gateway(daily_budget_usd=0.50)
    assert gateway.effective_tier("large") == ("large", None)
    bedrock.script(PRO, answer("expensive", input_tokens=0, output_tokens=200_000))  # $0.64

    await gateway.generate("large", QUESTION, lambda _: None)
    with caplog.at_level(logging.WARNING, logger="community_bot.models"):
        first = gateway.effective_tier("large")
        second = gateway.effective_tier("medium")

    assert first == ("medium", "daily budget $0.50 reached")
    assert second == ("small", "daily budget $0.50 reached")
    assert gateway.effective_tier("small") == ("small", None)
    assert gateway.model_for(first[0]) == LITE
    budget_lines = [r for r in caplog.records if "budget" in r.getMessage()]
    assert len(budget_lines) == 1
    assert "routing one tier down" in budget_lines[0].getMessage()


async def test_spend_survives_a_restart(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, answer("expensive", input_tokens=1_000_000, output_tokens=0))
    before = make_gateway(daily_budget_usd=0.5)
    await before.generate("large", QUESTION, lambda _: None)
    before.close()

    after = make_gateway(daily_budget_usd=0.5)

    assert after.spent_today() == pytest.approx(0.80)
    assert after.effective_tier("large")[0] == "medium"


def test_spend_starts_again_at_utc_midnight(tmp_path: Path) -> None:
    today = [date(2026, 11, 24)]
    meter = SpendMeter(tmp_path / "spend.sqlite", clock=lambda: today[0])
    meter.add(1.25)
    meter.add(0.25)

    today[0] = date(2026, 11, 25)
    meter.add(0.10)

    assert meter.today() == pytest.approx(0.10)
    today[0] = date(2026, 11, 24)
    assert meter.today() == pytest.approx(1.50)
    meter.close()


def test_processes_sharing_data_dir_spend_from_one_budget(tmp_path: Path) -> None:
    shard_zero = SpendMeter(tmp_path / "spend.sqlite")
    shard_one = SpendMeter(tmp_path / "spend.sqlite")
    assert shard_zero.today() == 0.0
    shard_zero.add(0.25)
    shard_one.add(0.50)

    assert shard_zero.today() == pytest.approx(0.75)
    assert shard_one.today() == pytest.approx(0.75)
    shard_zero.close()
    shard_one.close()


async def test_nova_pin_ignores_the_budget(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, answer("expensive", input_tokens=1_000_000, output_tokens=0))
    gateway = make_gateway(backend_mode="nova", daily_budget_usd=0.1)
    await gateway.generate("large", QUESTION, lambda _: None)

    assert gateway.effective_tier("large") == ("large", "BACKEND_MODE=nova")
