"""`langgraph dev` serves the conversation graph from langgraph.json, as Studio uses it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`langgraph dev` on a free port, offline, with the bot's data in a temporary folder."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("studio-data")
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LOG_LEVEL": "WARNING",
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
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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
