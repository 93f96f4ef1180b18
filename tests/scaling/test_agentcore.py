"""The graph behind the AgentCore Runtime contract (`community-bot agentcore serve`, the SDK's
own app, over HTTP), and the Discord runtime's thin client reaching it through an emulator of
InvokeAgentRuntime written from botocore's model of the service."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from community_bot.errors import CommunityBotError
from community_bot.settings import Settings
from community_bot.turns import Author, FinalReply, TokenEvent
from runtime.agentcore_session import session_of, thread_of
from runtime.backends import open_backend
from runtime.thin_client import RemoteTurnError
from tests.emulators.agentcore_runtime import AgentCoreRuntimeEmulator
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator
from tests.scaling.conftest import wait_until
from tests.studio.test_langgraph_dev import free_port

COMMAND = str(Path(sys.executable).with_name("community-bot"))
ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/community_bot-AbCdEf1234"
SESSION = "session-0123456789abcdef0123456789abcdef"
OTHER = "session-fedcba9876543210fedcba9876543210"
ALICE = Author(id="4242", name="Alice")


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ping", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def runtime_url(
    tmp_path_factory: pytest.TempPathFactory, ollama_server: OllamaEmulator
) -> Iterator[str]:
    """`community-bot agentcore serve` on a free port, its model the Ollama emulator."""
    port = free_port()
    folder = tmp_path_factory.mktemp("agentcore")
    env = {
        **os.environ,
        "DATA_DIR": str(folder),
        "BACKEND_MODE": "ollama",
        "OLLAMA_MODEL": OLLAMA_MODEL,
        "OLLAMA_BASE_URL": ollama_server.url,
        "LANGSMITH_TRACING": "false",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [COMMAND, "agentcore", "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: healthy(url) or process.poll() is not None, timeout_s=120)
        if process.poll() is not None:
            assert process.stderr is not None
            pytest.fail(f"agentcore serve exited: {process.stderr.read().decode()[-2000:]}")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def invoke(url: str, payload: dict[str, Any], session: str = SESSION) -> list[dict[str, Any]]:
    """POST /invocations as AgentCore Runtime calls a container; the stream's events."""
    headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session}
    with httpx.stream(
        "POST", f"{url}/invocations", json=payload, headers=headers, timeout=120
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return [
            json.loads(line.removeprefix("data: "))
            for line in response.iter_lines()
            if line.startswith("data: ")
        ]


def sent_questions(ollama: OllamaEmulator) -> list[str]:
    """The questions in the last request the model received (without the "Author: " prefix)."""
    messages = ollama.requests[-1].body["messages"]
    said = [m["content"] for m in messages if m["role"] == "user" and m["content"].endswith("?")]
    return [text.split(": ", 1)[-1] for text in said]


def test_ping_reports_healthy(runtime_url: str) -> None:
    assert httpx.get(f"{runtime_url}/ping").json()["status"] == "Healthy"


def test_an_invocation_streams_tokens_then_the_reply(
    runtime_url: str, ollama: OllamaEmulator
) -> None:
    events = invoke(runtime_url, {"prompt": "How do I install it on my Mac?"}, session=OTHER)
    tokens = [e["token"] for e in events if "token" in e]
    replies = [e["reply"] for e in events if "reply" in e]
    assert "".join(tokens) == f"Answer from {OLLAMA_MODEL}."
    assert len(replies) == 1 and "".join(replies[0]["chunks"]) == f"Answer from {OLLAMA_MODEL}."
    assert replies[0]["thread_id"] == OTHER


def test_the_session_header_selects_the_conversation(
    runtime_url: str, ollama: OllamaEmulator
) -> None:
    invoke(runtime_url, {"prompt": "Where are the docs?"}, session=SESSION)
    invoke(runtime_url, {"prompt": "And the changelog?"}, session=SESSION)
    assert sent_questions(ollama)[-2:] == ["Where are the docs?", "And the changelog?"]
    invoke(runtime_url, {"prompt": "Who maintains it?"}, session=SESSION.replace("0", "9"))
    assert sent_questions(ollama) == ["Who maintains it?"]  # another session, another memory


def test_a_failing_turn_ends_the_stream_with_an_error_event(runtime_url: str) -> None:
    events = invoke(runtime_url, {"prompt": "Hello?", "profile": "no-such-profile"})
    assert "reply" not in {key for event in events for key in event}
    assert events[-1]["error_type"] and events[-1]["error"]
    assert invoke(runtime_url, {"no": "prompt"})[-1]["error_type"] == "ValueError"


def test_sessions_round_trip_to_channels() -> None:
    session = session_of("discord:7")
    assert len(session) >= 33  # InvokeAgentRuntime's minimum
    assert thread_of(session) == "discord:7"
    assert thread_of(SESSION) == SESSION


@pytest.fixture
def service(
    runtime_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AgentCoreRuntimeEmulator]:
    with AgentCoreRuntimeEmulator({ARN: runtime_url}) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def client_settings(tmp_path: Path, arn: str = ARN) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path, backend_mode="agentcore", agentcore_runtime_arn=arn, _env_file=None
    )


async def test_the_discord_runtime_streams_turns_from_agentcore_with_the_channel_as_session(
    service: AgentCoreRuntimeEmulator, ollama: OllamaEmulator, tmp_path: Path
) -> None:
    async with open_backend(client_settings(tmp_path)) as backend:
        await backend.conversation.reset("discord:77")
        first = [
            e async for e in backend.conversation.stream_turn("discord:77", "Is it free?", ALICE)
        ]
        second = [
            e async for e in backend.conversation.stream_turn("discord:77", "Which license?", ALICE)
        ]
        status = await backend.status()
    assert [type(e) for e in first][-1] is FinalReply
    assert "".join(e.text for e in first if isinstance(e, TokenEvent)) == first[-1].text  # type: ignore[union-attr]
    assert isinstance(second[-1], FinalReply) and second[-1].thread_id == "discord:77"
    assert sent_questions(ollama) == ["Is it free?", "Which license?"]
    assert {i.session_id for i in service.invocations} == {session_of("discord:77")}
    assert json.loads(service.invocations[-1].payload)["author_id"] == ALICE.id
    assert status.turns_today == 2  # recorded here too, for /status, stats and 👍/👎
    assert status.notes == [f"answered by AgentCore Runtime {ARN}"]


async def test_an_unknown_runtime_is_reported_as_a_failed_turn(
    service: AgentCoreRuntimeEmulator, tmp_path: Path
) -> None:
    missing = ARN.replace("AbCdEf1234", "Missing000")
    async with open_backend(client_settings(tmp_path, missing)) as backend:
        with pytest.raises(RemoteTurnError, match="ResourceNotFoundException"):
            async for _event in backend.conversation.stream_turn("discord:1", "Hi?", ALICE):
                pass


async def test_a_failing_graph_on_agentcore_is_reported_as_a_failed_turn(
    service: AgentCoreRuntimeEmulator, tmp_path: Path
) -> None:
    async with open_backend(client_settings(tmp_path)) as backend:
        with pytest.raises(RemoteTurnError, match="failed"):
            stream = backend.conversation.stream_turn("discord:2", "Hi?", ALICE, "no-such-profile")
            async for _event in stream:
                pass


def test_agentcore_mode_without_an_arn_keeps_its_old_meaning(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, backend_mode="agentcore", _env_file=None)  # type: ignore[call-arg]
    assert settings.backend_mode == "auto"


def test_a_malformed_runtime_arn_is_named(tmp_path: Path) -> None:
    from community_bot.settings import load_settings

    with pytest.raises(CommunityBotError, match="AGENTCORE_RUNTIME_ARN"):
        load_settings(data_dir=tmp_path, agentcore_runtime_arn="runtime/abc", _env_file=None)


def test_the_dockerfile_builds_an_arm64_image_serving_agentcore_with_every_package() -> None:
    import re
    import tomllib

    from runtime.cli import build_parser

    root = Path(__file__).resolve().parents[2]
    dockerfile = (root / "Dockerfile").read_text()
    assert "--platform=linux/arm64" in dockerfile  # AgentCore Runtime runs ARM64 only
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M)[1])  # type: ignore[index]
    assert command[0] == "community-bot"
    parsed = build_parser().parse_args(command[1:])
    assert (parsed.command, parsed.agentcore_command, parsed.port) == ("agentcore", "serve", 8080)
    packages = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    for package in [*packages["targets"]["wheel"]["packages"], "knowledge"]:
        assert f"COPY {package} ./{package}" in dockerfile


def test_community_bot_ask_is_a_thin_client_of_agentcore_too(
    service: AgentCoreRuntimeEmulator, ollama: OllamaEmulator, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        **service.env(),
        "DATA_DIR": str(tmp_path),
        "BACKEND_MODE": "agentcore",
        "AGENTCORE_RUNTIME_ARN": ARN,
        "LANGSMITH_TRACING": "false",
    }
    asked = subprocess.run(
        [COMMAND, "ask", "--channel", "discord:99", "Is there a changelog?"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert asked.returncode == 0, asked.stderr.decode()[-2000:]
    assert asked.stdout.decode().startswith(f"Answer from {OLLAMA_MODEL}.")
    assert service.invocations[-1].session_id == session_of("discord:99")


async def test_reset_from_discord_forgets_the_channel_on_agentcore(
    service: AgentCoreRuntimeEmulator, ollama: OllamaEmulator, tmp_path: Path
) -> None:
    async with open_backend(client_settings(tmp_path)) as backend:
        for question in ("Is it free?", "Which license?"):
            [e async for e in backend.conversation.stream_turn("discord:55", question, ALICE)]
        await backend.conversation.reset("discord:55")
        [e async for e in backend.conversation.stream_turn("discord:55", "Who wrote it?", ALICE)]
    assert sent_questions(ollama) == ["Who wrote it?"]
    assert json.loads(service.invocations[-2].payload) == {"action": "reset"}
