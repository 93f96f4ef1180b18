"""Suite-wide test settings, and the emulators every directory shares.

The emulated Bedrock runtime, Bedrock knowledge bases and Ollama start once per session, on first
use (their scripts and logs are reset for every test); the AWS environment is replaced per test
so a developer's own ~/.aws never leaks in.

Hypothesis explores new random examples on a developer's machine, but CI (CI=true) replays a
fixed, derandomised set so a submission's result never depends on luck. `HYPOTHESIS_PROFILE=deep`
searches much harder, for hunting edge cases before a change lands.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from community_bot.models.routed import RoutedGateway
from community_bot.settings import Settings
from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator
from tests.emulators.bedrock_runtime import NOVA_LITE, NOVA_MICRO, NOVA_PRO, BedrockEmulator
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator

AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("deep", max_examples=5000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


@pytest.fixture
def aws_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS configuration at all: no credentials, region, profile files or instance role."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def bedrock_server() -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as server:
        yield server


@pytest.fixture
def bedrock(
    bedrock_server: BedrockEmulator, aws_isolated: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BedrockEmulator]:
    """The Bedrock emulator, reset, with dummy credentials and the endpoint override in the env."""
    for name, value in bedrock_server.env().items():
        monkeypatch.setenv(name, value)
    bedrock_server.reset()
    yield bedrock_server
    bedrock_server.reset()


@pytest.fixture(scope="session")
def kb_server() -> Iterator[KnowledgeBaseEmulator]:
    with KnowledgeBaseEmulator() as server:
        yield server


@pytest.fixture(scope="session")
def ollama_server() -> Iterator[OllamaEmulator]:
    with OllamaEmulator(models=[OLLAMA_MODEL]) as server:
        yield server


@pytest.fixture
def ollama(ollama_server: OllamaEmulator) -> Iterator[OllamaEmulator]:
    ollama_server.reset()
    yield ollama_server
    ollama_server.reset()


@pytest.fixture
def nova_gateway(
    make_settings: Callable[..., Settings], bedrock: BedrockEmulator
) -> Iterator[RoutedGateway]:
    """The production gateway on the Bedrock emulator: Nova Micro, Lite and Pro as the small,
    medium and large tiers, with a fast backoff (`make_settings` is each directory's)."""
    configured = make_settings(model_small=NOVA_MICRO, model_medium=NOVA_LITE, model_large=NOVA_PRO)
    gateway = RoutedGateway(
        configured.models,
        configured.memory,
        backoff_base_s=0.001,
        backoff_cap_s=0.002,
        probe_timeout_s=5.0,  # a loaded machine must not make the probe give up on Bedrock
    )
    yield gateway
    gateway.close()
