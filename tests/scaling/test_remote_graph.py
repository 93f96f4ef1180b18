"""BACKEND_MODE=remote: the Discord runtime's turns run on a real `langgraph dev` server through
LangGraph's RemoteGraph, one server thread per channel, tokens streamed back."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from pathlib import Path

import pytest

from community_bot.settings import Settings
from community_bot.turns import Author, FinalReply, TokenEvent, TurnEvent
from discord_bot.backend import Backend
from runtime.backends import open_backend
from runtime.thin_client import RemoteTurnError
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator, held
from tests.scaling.conftest import wait_until
from tests.scaling.test_agentcore import sent_questions
from tests.studio.test_langgraph_dev import free_port, langgraph_dev, langgraph_dev_process

ALICE = Author(id="4242", name="Alice")


def model_env(ollama: OllamaEmulator) -> dict[str, str]:
    return {"BACKEND_MODE": "ollama", "OLLAMA_MODEL": OLLAMA_MODEL, "OLLAMA_BASE_URL": ollama.url}


def client_settings(
    tmp_path: Path, url: str, reconnect_seconds: float = 10.0, read_timeout_seconds: float = 30.0
) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "client",
        backend_mode="remote",
        langgraph_url=url,
        langgraph_reconnect_seconds=reconnect_seconds,
        langgraph_read_timeout_seconds=read_timeout_seconds,
        _env_file=None,
    )


async def turn(backend: Backend, channel: str, text: str) -> list[TurnEvent]:
    return [event async for event in backend.conversation.stream_turn(channel, text, ALICE)]


async def test_two_turns_on_a_langgraph_server_remember_and_stream(
    tmp_path: Path, ollama: OllamaEmulator
) -> None:
    with langgraph_dev(tmp_path / "server", **model_env(ollama)) as url:
        async with open_backend(client_settings(tmp_path, url)) as backend:
            await backend.conversation.reset("discord:5")
            await backend.conversation.reset("discord:6")  # `langgraph dev` keeps threads on disk
            first = await turn(backend, "discord:5", "Is it free?")
            second = await turn(backend, "discord:5", "Which license?")
            questions = sent_questions(ollama)
            await turn(backend, "discord:6", "Who wrote it?")
            other = sent_questions(ollama)
            assert isinstance(second[-1], FinalReply) and second[-1].run_id is not None
            await backend.record_feedback(
                thread_id="discord:5", run_id=second[-1].run_id, user_id="9", score=1
            )
            status = await backend.status()
    assert isinstance(first[-1], FinalReply) and first[-1].text == f"Answer from {OLLAMA_MODEL}."
    assert "".join(e.text for e in first if isinstance(e, TokenEvent)) == first[-1].text
    assert isinstance(second[-1], FinalReply) and second[-1].thread_id == "discord:5"
    assert questions == ["Is it free?", "Which license?"]
    assert other == ["Who wrote it?"]  # another channel, another server thread
    assert status.turns_today == 3  # recorded here, for /status, stats and 👍/👎


async def test_a_server_restart_mid_turn_is_reported_not_hung(
    tmp_path: Path, ollama: OllamaEmulator
) -> None:
    port = free_port()
    gate = threading.Event()
    settings: Settings | None = None
    try:
        started = langgraph_dev_process(tmp_path / "server", port, **model_env(ollama))
        with started as (url, server):
            # a dead server is reported after this window, not the SDK's retries of a minute
            settings = client_settings(tmp_path, url, reconnect_seconds=1.0)
            async with open_backend(settings) as backend:
                await turn(backend, "discord:8", "Is it free?")
                ollama.script(OLLAMA_MODEL, held("never sent", gate, times=1))
                pending = asyncio.create_task(turn(backend, "discord:8", "Which license?"))
                await asyncio.to_thread(wait_until, lambda: len(ollama.requests) == 2)
                os.killpg(server.pid, signal.SIGKILL)  # the server dies mid-turn
                with pytest.raises(RemoteTurnError, match="LangGraph server could not be reached"):
                    await asyncio.wait_for(pending, timeout=60)  # reported, not hung
    finally:
        gate.set()
    assert settings is not None
    with langgraph_dev(tmp_path / "server", port, **model_env(ollama)):  # back on the same URL
        async with open_backend(settings) as backend:
            after = await turn(backend, "discord:8", "Still there?")
    assert isinstance(after[-1], FinalReply)


async def test_a_server_that_goes_silent_mid_turn_is_reported_not_waited_on(
    tmp_path: Path, ollama: OllamaEmulator
) -> None:
    gate = threading.Event()
    try:
        with langgraph_dev_process(tmp_path / "server", **model_env(ollama)) as (url, server):
            # a 6 s silence is never a live server: it sends a heartbeat every 5 s
            settings = client_settings(tmp_path, url, reconnect_seconds=1.0, read_timeout_seconds=6)
            async with open_backend(settings) as backend:
                await turn(backend, "discord:9", "Is it free?")
                ollama.script(OLLAMA_MODEL, held("never sent", gate, times=1))
                pending = asyncio.create_task(turn(backend, "discord:9", "Which license?"))
                await asyncio.to_thread(wait_until, lambda: len(ollama.requests) == 2)
                # the host vanishes: its connections stay open, and nothing more arrives
                os.killpg(server.pid, signal.SIGSTOP)
                try:
                    with pytest.raises(RemoteTurnError, match="stopped answering: nothing from"):
                        await asyncio.wait_for(pending, timeout=60)  # reported, not waited on
                finally:
                    os.killpg(server.pid, signal.SIGCONT)
    finally:
        gate.set()


async def test_a_slow_model_on_a_live_server_outlasts_the_read_timeout(
    tmp_path: Path, ollama: OllamaEmulator
) -> None:
    gate = threading.Event()
    try:
        # the server's own deadline for a first token (18 s by default) is not what's tested
        server_env = model_env(ollama) | {"TURN_TIMEOUT_SECONDS": "60"}
        with langgraph_dev(tmp_path / "server", **server_env) as url:
            settings = client_settings(tmp_path, url, read_timeout_seconds=10)
            async with open_backend(settings) as backend:
                ollama.script(OLLAMA_MODEL, held("Slow but sure.", gate, times=1))
                pending = asyncio.create_task(turn(backend, "discord:10", "Is it free?"))
                await asyncio.to_thread(wait_until, lambda: len(ollama.requests) == 1)
                # the model thinks for two read timeouts; the server's heartbeats (every 5 s)
                # keep the turn alive, and its answer still arrives
                done, _ = await asyncio.wait({pending}, timeout=21)
                assert not done, pending.exception() if done else None
                gate.set()
                events = await asyncio.wait_for(pending, timeout=60)
    finally:
        gate.set()
    assert isinstance(events[-1], FinalReply) and events[-1].text == "Slow but sure."
