"""Emulated Bedrock and Ollama, and gateways wired to them through the standard settings.

The servers start once per session (their scripts and logs are reset for every test); the AWS
environment is replaced per test so a developer's own ~/.aws never leaks in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from community_bot.models import RoutedGateway
from community_bot.settings import Settings
from tests.emulators.bedrock_runtime import BedrockEmulator
from tests.emulators.ollama import OllamaEmulator

OLLAMA_MODEL = "llama3.2:3b"
AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


@pytest.fixture(scope="session")
def bedrock_server() -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as server:
        yield server


@pytest.fixture(scope="session")
def ollama_server() -> Iterator[OllamaEmulator]:
    with OllamaEmulator(models=[OLLAMA_MODEL]) as server:
        yield server


@pytest.fixture
def aws_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS configuration at all: no credentials, region, profile files or instance role."""
    for name in (*AWS_VARIABLES, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def bedrock(
    bedrock_server: BedrockEmulator, aws_isolated: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BedrockEmulator]:
    """The Bedrock emulator, with dummy credentials and the endpoint override in the env."""
    for name, value in bedrock_server.env().items():
        monkeypatch.setenv(name, value)
    bedrock_server.reset()
    yield bedrock_server
    bedrock_server.reset()


@pytest.fixture
def ollama(ollama_server: OllamaEmulator) -> Iterator[OllamaEmulator]:
    ollama_server.reset()
    yield ollama_server
    ollama_server.reset()


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
