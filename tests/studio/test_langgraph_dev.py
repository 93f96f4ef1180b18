"""`langgraph dev` serves the conversation graph from langgraph.json, as Studio uses it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def langgraph_dev(data_dir: Path, port: int | None = None, **env_overrides: str) -> Iterator[str]:
    """`langgraph dev` on `port` (default: a free one), offline, the bot's data in `data_dir`."""
    with langgraph_dev_process(data_dir, port, **env_overrides) as (url, _process):
        yield url


@contextmanager
def langgraph_dev_process(
    data_dir: Path, port: int | None = None, **env_overrides: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`langgraph_dev`, also yielding the server's process (a test may kill its group)."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LOG_LEVEL": "WARNING",
        **env_overrides,
    }
    command = [
        str(Path(sys.executable).with_name("langgraph")),
        *("dev", "--port", str(port), "--host", "127.0.0.1", "--no-browser", "--no-reload"),
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(url):  # the server itself says when it is ready
            if time.monotonic() > deadline:
                pytest.fail("langgraph dev did not answer /ok in time")
            try:  # waits on the process: an early exit fails at once
                process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            stderr = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"langgraph dev exited: {stderr[-2000:]}")
        yield url, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Studio's server on the embedded defaults: no model, the sample knowledge base."""
    with langgraph_dev(tmp_path_factory.mktemp("studio-data")) as url:
        yield url


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ok", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


def assistant_id(url: str) -> str:
    found = httpx.post(f"{url}/assistants/search", json={"graph_id": "community_bot"}).json()
    assert found, "langgraph dev registered no assistant for the community_bot graph"
    return str(found[0]["assistant_id"])


def test_studio_draws_every_node_of_the_conversation(server: str) -> None:
    drawn = httpx.get(f"{server}/assistants/{assistant_id(server)}/graph").json()
    nodes = {node["id"] for node in drawn["nodes"]}
    assert {
        "assemble_prompt",
        "retrieve",
        "route",
        "generate",
        "answer_from_docs",
        "split_reply",
        "summarize_memory",
    } <= nodes


def test_a_studio_thread_answers_and_remembers(server: str) -> None:
    thread = httpx.post(f"{server}/threads", json={}).json()["thread_id"]
    body = {
        "assistant_id": assistant_id(server),
        "input": {"messages": [{"role": "human", "content": "How do I install it on my Mac?"}]},
    }
    first = httpx.post(f"{server}/threads/{thread}/runs/wait", json=body, timeout=120).json()
    assert "Homebrew" in "".join(first["reply_chunks"])
    assert first["route"]["model"] == "retrieval-only"

    body["input"] = {"messages": [{"role": "human", "content": "And on Windows?"}]}
    httpx.post(f"{server}/threads/{thread}/runs/wait", json=body, timeout=120).raise_for_status()
    state = httpx.get(f"{server}/threads/{thread}/state").json()
    humans = [m["content"] for m in state["values"]["messages"] if m["type"] == "human"]
    assert humans == ["How do I install it on my Mac?", "And on Windows?"]


def test_every_studio_question_is_answered_from_the_docs_though_its_loop_refuses_blocking(
    server: str,
) -> None:
    # `langgraph dev` raises on blocking calls made on its event loop (blockbuster); from the
    # third search on, a quick local search would run there (`kb.pacing`)
    thread = httpx.post(f"{server}/threads", json={}).json()["thread_id"]
    questions = [
        "Where does the bot token go?",
        "How do I wipe the conversation?",
        "installing on windows",
        "How do I install it on my Mac?",
        "What does the bot do with a thumbs down?",
    ]
    for question in questions:
        reply = ask(server, thread, question)
        assert reply["retrieval"]["hit"], question
        assert reply["citations"], question


def ask(url: str, thread: str, question: str) -> dict[str, Any]:
    body = {
        "assistant_id": "community_bot",  # a graph id names its default assistant
        "input": {"messages": [{"role": "human", "content": question}]},
    }
    response = httpx.post(f"{url}/threads/{thread}/runs/wait", json=body, timeout=120)
    response.raise_for_status()
    return dict(response.json())


def test_studio_runs_the_model_path_with_a_configured_model(
    tmp_path: Path, ollama: OllamaEmulator
) -> None:
    settings = {
        "BACKEND_MODE": "ollama",
        "OLLAMA_MODEL": OLLAMA_MODEL,
        "OLLAMA_BASE_URL": ollama.url,
    }
    with langgraph_dev(tmp_path, **settings) as url:
        thread = httpx.post(f"{url}/threads", json={}).json()["thread_id"]
        reply = ask(url, thread, "How do I install it on my Mac?")
    assert "".join(reply["reply_chunks"]) == f"Answer from {OLLAMA_MODEL}."
    assert reply["route"]["model"] == f"ollama/{OLLAMA_MODEL}"
    assert reply["turn"]["outcome"] == "ok"
    sent = ollama.requests[-1].body["messages"]
    assert "<reference_material>" in sent[0]["content"]  # the docs reached the model
