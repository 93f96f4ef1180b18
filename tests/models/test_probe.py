"""At start-up each provider is checked once and logged in one line that says what follows."""

from __future__ import annotations

import logging

import pytest

from tests.emulators.bedrock_runtime import BedrockEmulator
from tests.emulators.ollama import OllamaEmulator, refused_url
from tests.models.conftest import MakeGateway


def probe_lines(caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    lines = [r.getMessage() for r in caplog.records if r.name == "community_bot.models.routed"]
    return {line.split(":", 1)[0]: line for line in lines}


async def test_usable_providers_are_logged_ready_once_each(
    make_gateway: MakeGateway,
    bedrock: BedrockEmulator,
    ollama: OllamaEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="community_bot.models"):
        availability = await make_gateway().probe()
    assert availability["bedrock"].usable and availability["ollama"].usable
    lines = probe_lines(caplog)
    assert lines["bedrock"].startswith("bedrock: ready (region ")
    assert lines["bedrock"].endswith("tiers medium, large")
    assert lines["ollama"] == f"ollama: ready (llama3.2:3b at {ollama.url}) — tier small"


async def test_missing_aws_credentials_name_the_tiers_that_fall_back(
    make_gateway: MakeGateway,
    bedrock: BedrockEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    gateway = make_gateway()
    with caplog.at_level(logging.INFO, logger="community_bot.models"):
        await gateway.probe()
    line = probe_lines(caplog)["bedrock"]
    assert (
        line == "bedrock: no AWS credentials — tiers medium, large fall back (tried again in 30 s)"
    )
    assert gateway.model_for("large") == "ollama/llama3.2:3b"  # no failed attempt first
    assert bedrock.requests == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"ollama_model": "mistral:7b"}, 'ollama: model "mistral:7b" not pulled at'),
        ({"ollama_base_url": "refused"}, "(connection refused) — tier small falls back"),
        ({"ollama_model": None}, "OLLAMA_MODEL not set — MODEL_SMALL=ollama has no model"),
    ],
)
async def test_an_unusable_ollama_says_why_at_start_up(
    make_gateway: MakeGateway,
    bedrock: BedrockEmulator,
    caplog: pytest.LogCaptureFixture,
    overrides: dict[str, object],
    expected: str,
) -> None:
    with refused_url() as refused, caplog.at_level(logging.INFO, logger="community_bot.models"):
        if overrides.get("ollama_base_url") == "refused":
            overrides = {"ollama_base_url": refused}
        await make_gateway(**overrides).probe()
    assert expected in probe_lines(caplog)["ollama"]
