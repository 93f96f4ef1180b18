"""Silent downgrades, each reproduced with the real command: a provider that is down, hangs or is
missing is routed around, and the user is told in one short line what happened."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import generate_latest

from community_bot.settings import Settings
from discord_bot.commands import format_status
from runtime.app import open_app
from tests.emulators.bedrock_runtime import BedrockEmulator, aws_env
from tests.emulators.hang import HangServer
from tests.emulators.ollama import OLLAMA_MODEL, refused_url
from tests.faults.conftest import EnvFactory, ask_json, run_cli

LITE = "amazon.nova-lite-v1:0"
INSTALL = "How do I install community-bot on my Mac?"


def text_of(reply: dict[str, object]) -> str:
    chunks = reply["chunks"]
    assert isinstance(chunks, list)
    return "".join(chunks)


def test_auto_mode_without_ollama_answers_small_questions_with_nova(
    cli_env: EnvFactory, bedrock: BedrockEmulator
) -> None:
    """Default `auto`, no OLLAMA_MODEL: `ask "thanks!"` used to be docs-only."""
    reply = ask_json("thanks!", cli_env(**bedrock.env()))
    assert reply["turn"]["model"] == LITE
    assert f"escalated to medium ({LITE})" in reply["route"]["reason"]
    assert bedrock.model_ids() == [LITE]


def test_an_unreachable_ollama_is_named_not_called_unconfigured(cli_env: EnvFactory) -> None:
    with refused_url() as url:
        env = cli_env(BACKEND_MODE="ollama", OLLAMA_MODEL=OLLAMA_MODEL, OLLAMA_BASE_URL=url)
        reply = ask_json(INSTALL, env)
    first_line = text_of(reply).splitlines()[0]
    assert "No language model is configured" not in first_line
    assert "unavailable right now (ollama unreachable)" in first_line
    assert reply["route"]["note"] == "ollama unreachable"


def test_a_hung_bedrock_gets_the_docs_answer_with_the_reason(cli_env: EnvFactory) -> None:
    """The endpoint accepts the connection and never answers (it used to take 3 x 60 s)."""
    with HangServer() as hang:
        env = cli_env(**aws_env(hang.url), TURN_TIMEOUT_SECONDS="2")
        reply = ask_json(INSTALL, env)
        connections = hang.connections
    first_line = text_of(reply).splitlines()[0]
    assert "unavailable right now" in first_line and "timed out" in first_line
    assert reply["turn"]["model"] == "retrieval-only"
    assert reply["turn"]["attempts"] == [f"{LITE}: no first token within TURN_TIMEOUT_SECONDS=2 s"]
    assert connections == 1  # marked unhealthy at once: no retry, no second Bedrock model


def test_a_hung_ollama_gets_the_docs_answer_and_the_probe_only_warns(cli_env: EnvFactory) -> None:
    with HangServer() as hang:
        env = cli_env(
            BACKEND_MODE="ollama",
            OLLAMA_MODEL=OLLAMA_MODEL,
            OLLAMA_BASE_URL=hang.url,
            TURN_TIMEOUT_SECONDS="2",
        )
        done = run_cli(["ask", INSTALL], env)
        connections = hang.connections
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ollama: no answer from" in done.stderr  # the start-up probe: a warning, no verdict
    first_line = done.stdout.splitlines()[0]
    assert f"ollama/{OLLAMA_MODEL} timed out" in first_line
    assert connections == 2  # the probe's, then the turn's; no retry after the deadline
    assert "Traceback" not in done.stderr


def test_config_show_reports_each_provider_now(cli_env: EnvFactory) -> None:
    with refused_url() as url:
        done = run_cli(["config", "show"], cli_env(OLLAMA_MODEL="x", OLLAMA_BASE_URL=url))
    assert done.returncode == 0, done.stderr
    assert "#   bedrock: NOT usable (no AWS credentials)" in done.stdout
    assert "#   ollama: NOT usable (unreachable at" in done.stdout


async def test_status_and_metrics_show_each_providers_live_state(tmp_path: Path) -> None:
    with refused_url() as url:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path / "data",
            backend_mode="ollama",
            ollama_model=OLLAMA_MODEL,
            ollama_base_url=url,
        )
        async with open_app(settings, background=False) as app:
            report = await app.status()
            exposition = generate_latest(app.telemetry.metrics.registry).decode()
    (ollama,) = report.providers
    assert (ollama.provider, ollama.state) == ("ollama", "open")
    assert ollama.retry_in_s > 0
    card = format_status(report)
    assert f"ollama: down (unreachable at {url} (connection refused)), tried again in" in card
    assert 'community_bot_provider_circuit{provider="ollama",state="open"} 1.0' in exposition
    assert 'community_bot_provider_circuit{provider="ollama",state="closed"} 0.0' in exposition
