"""Bot processes on several machines share one PostgreSQL database (DATABASE_URL): memory,
transcripts and turn records, with one turn at a time per channel. Real server, real graph."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from community_bot.errors import CommunityBotError
from community_bot.settings import Settings
from community_bot.turns import Author
from runtime.app import App, open_app
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator, held
from tests.scaling.conftest import terminate_connections, wait_until

ALICE = Author(id="4242", name="Alice")
CHANNEL = "discord:7"
COMMAND = str(Path(sys.executable).with_name("community-bot"))


def humans(messages: list[object]) -> list[str]:
    return [str(m.content) for m in messages if getattr(m, "type", "") == "human"]  # type: ignore[attr-defined]


def bot_process(settings: Settings, *args: str, **env: str) -> subprocess.Popen[bytes]:
    """`community-bot ARGS` as a separate process with `settings`' DATA_DIR and DATABASE_URL."""
    assert settings.database_url is not None
    environment = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database_url.get_secret_value(),
        "LANGSMITH_TRACING": "false",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [COMMAND, *args],
        cwd=settings.data_dir,  # no project .env
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def ask_in_process(settings: Settings, question: str) -> str:
    process = bot_process(settings, "ask", "--channel", CHANNEL, question)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode()


async def test_two_processes_with_separate_data_dirs_share_a_channels_memory(
    shared_settings: Callable[..., Settings],
) -> None:
    host_a, host_b = shared_settings("a"), shared_settings("b")
    first = await asyncio.to_thread(ask_in_process, host_a, "How do I install it on my Mac?")
    await asyncio.to_thread(ask_in_process, host_b, "And on Windows?")
    assert "Homebrew" in first

    async with open_app(shared_settings("c"), background=False) as app:
        history = await app.conversation.history(CHANNEL)
        turns, _cost = app.ledger.today()
    assert humans(history) == ["How do I install it on my Mac?", "And on Windows?"]
    assert turns == 2  # both hosts' turns in the one ledger
    for host in (host_a, host_b):
        assert not (host.data_dir / "memory.sqlite").exists()
        assert not (host.data_dir / "turns.sqlite").exists()


async def test_twenty_concurrent_turns_on_one_thread_from_two_processes_lose_none(
    shared_settings: Callable[..., Settings],
) -> None:
    async with (
        open_app(shared_settings("a"), background=False) as one,
        open_app(shared_settings("b"), background=False) as other,
    ):
        apps: list[App] = [one, other]
        questions = [f"Question {n}: how do I install it?" for n in range(20)]
        await asyncio.gather(
            *(
                apps[n % 2].conversation.ask(CHANNEL, question, ALICE)
                for n, question in enumerate(questions)
            )
        )
        history = await one.conversation.history(CHANNEL)
    assert sorted(humans(history)) == sorted(questions)
    assert len(history) == 40  # each question and its answer, once


async def test_a_process_killed_mid_turn_frees_the_channel_and_keeps_its_question(
    shared_settings: Callable[..., Settings], ollama: OllamaEmulator
) -> None:
    model = {"backend_mode": "ollama", "ollama_model": OLLAMA_MODEL, "ollama_base_url": ollama.url}
    env = {"BACKEND_MODE": "ollama", "OLLAMA_MODEL": OLLAMA_MODEL, "OLLAMA_BASE_URL": ollama.url}
    async with open_app(shared_settings("a", **model), background=False) as app:
        await app.conversation.ask(CHANNEL, "first", ALICE)
        gate = threading.Event()
        ollama.script(OLLAMA_MODEL, held("never sent", gate, times=1))
        doomed = bot_process(shared_settings("b"), "ask", "--channel", CHANNEL, "second", **env)
        try:
            await asyncio.to_thread(wait_until, lambda: len(ollama.requests) == 2)
            doomed.send_signal(signal.SIGKILL)  # mid-turn: it holds the channel's lock
            await asyncio.to_thread(doomed.wait)
        finally:
            gate.set()
        reply = await app.conversation.ask(CHANNEL, "third", ALICE)
        history = await app.conversation.history(CHANNEL)
    assert reply.text == f"Answer from {OLLAMA_MODEL}."
    # The killed turn's question was saved before the model ran: it stays in memory, once.
    assert humans(history) == ["first", "second", "third"]


async def test_a_connection_lost_mid_turn_is_retried_and_the_turn_kept(
    shared_settings: Callable[..., Settings], ollama: OllamaEmulator, postgres_admin: str
) -> None:
    model = {"backend_mode": "ollama", "ollama_model": OLLAMA_MODEL, "ollama_base_url": ollama.url}
    settings = shared_settings("a", **model)
    assert settings.database_url is not None
    database = settings.database_url.get_secret_value().rsplit("/", 1)[1]
    async with open_app(settings, background=False) as app:
        await app.conversation.ask(CHANNEL, "first", ALICE)
        gate = threading.Event()
        ollama.script(OLLAMA_MODEL, held("Kept despite the drop.", gate, times=1))
        turn = asyncio.create_task(app.conversation.ask(CHANNEL, "second", ALICE))
        try:
            await asyncio.to_thread(wait_until, lambda: len(ollama.requests) == 2)
            assert terminate_connections(postgres_admin, database) >= 2  # saver's and lock's
        finally:
            gate.set()
        reply = await turn
        history = await app.conversation.history(CHANNEL)
        turns, _cost = app.ledger.today()
    assert reply.text == "Kept despite the drop."
    assert humans(history) == ["first", "second"]
    assert turns == 2


async def test_an_unreachable_database_stops_start_up_naming_the_variable_not_the_password(
    tmp_path: Path,
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path, database_url="postgresql://bot:s3cret@127.0.0.1:1/none", _env_file=None
    )
    with pytest.raises(CommunityBotError) as raised:
        async with open_app(settings, background=False):
            pass
    assert "DATABASE_URL" in str(raised.value)
    assert "s3cret" not in str(raised.value)


async def test_a_channel_keeps_only_its_latest_checkpoint_and_the_blobs_it_uses(
    shared_settings: Callable[..., Settings],
) -> None:
    import psycopg

    settings = shared_settings("a")
    async with open_app(settings, background=False) as app:
        for number in range(6):
            await app.conversation.ask(CHANNEL, f"Question {number}: how do I install it?", ALICE)
        history = await app.conversation.history(CHANNEL)
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url.get_secret_value()) as conn:
        count = lambda sql: conn.execute(sql, (CHANNEL,)).fetchone()[0]  # noqa: E731
        checkpoints = count("SELECT COUNT(*) FROM checkpoints WHERE thread_id = %s")
        blobs = count("SELECT COUNT(*) FROM checkpoint_blobs WHERE thread_id = %s")
        versions = count(
            "SELECT COUNT(*) FROM checkpoints, jsonb_object_keys(checkpoint -> 'channel_versions')"
            " WHERE thread_id = %s"
        )
    assert checkpoints == 1
    assert blobs <= versions  # no blob of a superseded version survives
    assert len(humans(history)) == 6
