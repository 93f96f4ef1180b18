"""Gateways wired to the emulated Bedrock and Ollama (tests/conftest.py) through the standard
settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from community_bot.models import RoutedGateway
from community_bot.settings import Settings
from tests.emulators.bedrock_runtime import BedrockEmulator
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator

MakeGateway = Callable[..., RoutedGateway]


@pytest.fixture
def make_settings(tmp_path: Path, ollama: OllamaEmulator) -> Callable[..., Settings]:
    """Settings as the bot reads them, pointed at the emulated Ollama; overrides by field name."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "ollama_base_url": ollama.url,
            "ollama_model": OLLAMA_MODEL,
            "model_max_retries": 2,
            "model_timeout_seconds": 5.0,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def make_gateway(
    make_settings: Callable[..., Settings], bedrock: BedrockEmulator
) -> Iterator[MakeGateway]:
    """Gateways on the emulators with millisecond backoff; closed after the test."""
    made: list[RoutedGateway] = []

    def make(**overrides: Any) -> RoutedGateway:
        settings = make_settings(**overrides)
        gateway = RoutedGateway(
            settings.models,
            settings.memory,
            backoff_base_s=0.001,
            backoff_cap_s=0.002,
            probe_timeout_s=0.5,
        )
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.close()
