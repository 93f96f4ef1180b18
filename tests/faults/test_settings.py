"""Configuration faults are refused at start-up naming the variable and what it accepts; the log
file never holds an AWS access key id, nor what users wrote unless that was asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.models import RoutedGateway
from community_bot.settings import Settings
from tests.emulators.bedrock_runtime import BedrockEmulator
from tests.faults.conftest import EnvFactory, ask_json, run_cli


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("MODEL_TIMEOUT_SECONDS", "inf", "MODEL_TIMEOUT_SECONDS: Input should be a finite number"),
        ("MODEL_TIMEOUT_SECONDS", "1e300", "MODEL_TIMEOUT_SECONDS: Input should be less than"),
        ("TURN_TIMEOUT_SECONDS", "nan", "TURN_TIMEOUT_SECONDS: Input should be a finite number"),
        ("MODEL_LARGE", "openai:gpt-4o", "MODEL_LARGE: unknown model provider 'openai'"),
        ("MODEL_MEDIUM", "llama3", "write `ollama:llama3`"),
        ("MODEL_PRICES", "{bad", "MODEL_PRICES: is not valid JSON"),
        ("MODEL_PRICES", '{"amazon.nova-pro-v1:0": [-0.8, 3.2]}', "must be two numbers ≥ 0"),
        ("DATA_DIR", "", "DATA_DIR: is empty"),
        ("DATA_DIR", "   ", "DATA_DIR: is empty"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(
    cli_env: EnvFactory, variable: str, value: str, says: str
) -> None:
    done = run_cli(["ask", "hello"], cli_env(**{variable: value}))
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_explicit_provider_prefixes_are_accepted(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        model_large="ollama:llama3",
        model_medium="bedrock:us.amazon.nova-lite-v1:0",
    )
    gateway = RoutedGateway(settings.models, settings.memory)
    try:
        assert gateway.model_for("large") == "ollama/llama3"
        assert gateway.model_for("medium") == "us.amazon.nova-lite-v1:0"
    finally:
        gateway.close()


SECRET_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
MARKER = "zebra-marker-4242"


@pytest.mark.parametrize("content_opt_in", [False, True])
def test_debug_logs_mask_the_key_id_and_keep_messages_out_unless_asked(
    cli_env: EnvFactory, bedrock: BedrockEmulator, tmp_path: Path, content_opt_in: bool
) -> None:
    log_file = tmp_path / "bot.log"
    env = cli_env(
        **(bedrock.env() | {"AWS_ACCESS_KEY_ID": SECRET_KEY_ID}),
        LOG_LEVEL="DEBUG",
        LOG_FILE=str(log_file),
        LOG_MESSAGE_CONTENT=str(content_opt_in).lower(),
    )
    reply = ask_json(f"Why does {MARKER} fail to build on Windows?", env)
    assert reply["turn"]["model"].startswith("amazon.nova")  # Bedrock was called, and logged
    logged = log_file.read_text()
    assert "botocore" in logged
    assert SECRET_KEY_ID not in logged
    assert (MARKER in logged) is content_opt_in
