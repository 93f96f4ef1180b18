"""Lost turns, reproduced with real processes on one DATA_DIR: concurrent writers on one channel,
and a process killed with SIGKILL while the model is answering."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
from pathlib import Path

from langchain_core.messages import BaseMessage

from community_bot.settings import Settings
from community_bot.thread_lock import SqliteThreadLocks, ThreadBusyError
from community_bot.turns import FinalReply, TurnEvent
from runtime.app import open_app
from tests.emulators.bedrock_runtime import aws_env
from tests.emulators.hang import HangServer
from tests.faults.conftest import CLI_TIMEOUT_S, ROOT, EnvFactory, cli_command, run_cli

# Before the per-thread lock all but one or two of any such crowd vanished; six processes keep the
# proof at a third of the start-up CPU. `python -m bench --only faults` measures 20.
WRITERS = 6
INSTALL = "How do I install community-bot on my Mac?"


def memory_of(data_dir: Path, thread: str) -> tuple[list[BaseMessage], str | None]:
    """The thread's whole history and its unanswered question, as a restarted bot reads them."""

    async def read() -> tuple[list[BaseMessage], str | None]:
        settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
        async with open_app(settings, background=False) as app:
            history = await app.conversation.history(thread)
            pending = await app.conversation.unanswered(thread)
        return history, str(pending.content) if pending is not None else None

    return asyncio.run(read())


def humans(history: list[BaseMessage]) -> list[str]:
    return [str(m.content) for m in history if m.type == "human"]


def test_concurrent_writers_on_one_channel_keep_every_turn(
    cli_env: EnvFactory, tmp_path: Path
) -> None:
    env = cli_env(THREAD_LOCK_TIMEOUT_SECONDS="900")
    questions = [f"Question {n}: how do I install community-bot?" for n in range(WRITERS)]
    writers = [
        subprocess.Popen(
            cli_command("ask", "--channel", "same", question),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for question in questions
    ]
    outcomes = [writer.communicate(timeout=CLI_TIMEOUT_S * 4) for writer in writers]
    accepted = [q for q, w in zip(questions, writers, strict=True) if w.returncode == 0]
    for writer, (_out, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0 or "is busy" in err, err[-2000:]  # refused: says why
        assert "Traceback" not in err, err[-2000:]

    history, pending = memory_of(tmp_path / "data", "same")
    assert sorted(humans(history)) == sorted(accepted)
    assert len(accepted) == WRITERS  # with a long enough wait, nobody is even refused
    assert sum(m.type == "ai" for m in history) == WRITERS
    assert pending is None


def kill_9_while_the_model_answers(cli_env: EnvFactory, thread: str) -> None:
    """`community-bot ask --channel THREAD` INSTALL, killed once its model was called."""
    with HangServer() as hang:
        env = cli_env(**aws_env(hang.url), TURN_TIMEOUT_SECONDS="600")
        asker = subprocess.Popen(
            cli_command("ask", "--channel", thread, INSTALL),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert hang.wait_for_connections(1, timeout=CLI_TIMEOUT_S)  # the model was called
        finally:
            asker.kill()  # SIGKILL: no clean-up of any kind runs
            asker.wait(timeout=CLI_TIMEOUT_S)


def test_a_question_survives_kill_9_while_the_model_answers(
    cli_env: EnvFactory, tmp_path: Path
) -> None:
    kill_9_while_the_model_answers(cli_env, "crash")
    history, pending = memory_of(tmp_path / "data", "crash")
    assert humans(history) == [INSTALL]
    assert pending == INSTALL

    # The killed process still holds the thread's lease; its pid is dead, so it is taken over
    # at once (a 5 s wait is far shorter than the lease).
    after = run_cli(
        ["ask", "--channel", "crash", "And on Windows?"], cli_env(THREAD_LOCK_TIMEOUT_SECONDS="5")
    )
    assert after.returncode == 0, after.stderr[-2000:]
    history, pending = memory_of(tmp_path / "data", "crash")
    assert humans(history) == [INSTALL, "And on Windows?"]  # carried into memory, once
    assert pending is None


def test_a_question_cut_off_by_kill_9_is_answered_from_its_saved_copy_and_kept_once(
    cli_env: EnvFactory, tmp_path: Path
) -> None:
    kill_9_while_the_model_answers(cli_env, "crash")

    async def answer_again() -> tuple[list[TurnEvent], list[TurnEvent]]:
        settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
        async with open_app(settings, background=False) as app:
            other = [e async for e in app.conversation.stream_unanswered("crash", "Other?")]
            again = [e async for e in app.conversation.stream_unanswered("crash", INSTALL)]
        return other, again

    other, again = asyncio.run(answer_again())
    assert other == []  # not the question that waits: left for the caller to ask
    assert isinstance(again[-1], FinalReply) and again[-1].chunks
    history, pending = memory_of(tmp_path / "data", "crash")
    assert humans(history) == [INSTALL]  # answered, and remembered once
    assert [m.type for m in history] == ["human", "ai"]
    assert pending is None


def test_a_writer_that_cannot_get_the_thread_exits_non_zero_with_the_reason(
    cli_env: EnvFactory, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    locks = SqliteThreadLocks(data / "thread_locks.sqlite", wait_s=1)

    async def hold_while_asking() -> subprocess.CompletedProcess[str]:
        async with locks.hold("held"):  # another live turn on the thread
            env = cli_env(THREAD_LOCK_TIMEOUT_SECONDS="1")
            return await asyncio.to_thread(run_cli, ["ask", "--channel", "held", INSTALL], env)

    try:
        done = asyncio.run(hold_while_asking())
    finally:
        locks.close()
    assert done.returncode == 2
    assert "thread 'held' is busy" in done.stderr
    assert "THREAD_LOCK_TIMEOUT_SECONDS" in done.stderr
    assert "Traceback" not in done.stderr
    history, pending = memory_of(data, "held")
    assert (history, pending) == ([], None)  # refused before anything was saved


async def test_two_holders_in_one_process_take_turns(tmp_path: Path) -> None:
    first = SqliteThreadLocks(tmp_path / "locks.sqlite", wait_s=60)
    second = SqliteThreadLocks(tmp_path / "locks.sqlite", wait_s=0.2)
    order: list[str] = []
    try:
        async with first.hold("t"):
            order.append("first in")
            try:
                async with second.hold("t"):
                    order.append("second in while first held")
            except ThreadBusyError as exc:
                order.append(f"second refused: {exc.holder}")
        async with second.hold("t"):
            order.append("second in")
    finally:
        first.close()
        second.close()
    assert order[0] == "first in"
    assert order[1].startswith("second refused: pid ")
    assert order[2] == "second in"


async def test_a_lease_from_another_host_is_honoured_until_it_expires(tmp_path: Path) -> None:
    """Another machine's holder cannot be checked for life: its lease alone decides."""
    path = tmp_path / "locks.sqlite"
    locks = SqliteThreadLocks(path, wait_s=0.2)
    try:
        with sqlite3.connect(path) as db:  # a live holder elsewhere, lease valid for a minute
            db.execute(
                "INSERT INTO thread_locks VALUES ('t', 'theirs', 'elsewhere', 1, ?)",
                (time.time() + 60,),
            )
        try:
            async with locks.hold("t"):
                raise AssertionError("took a valid lease")
        except ThreadBusyError as exc:
            assert exc.holder == "pid 1 on elsewhere"
        with sqlite3.connect(path) as db:  # the holder died: its lease ran out
            expired = time.time() - 1
            db.execute("UPDATE thread_locks SET expires = ? WHERE thread_id = 't'", (expired,))
        async with locks.hold("t"):
            with sqlite3.connect(path) as db:
                (owner,) = db.execute("SELECT host FROM thread_locks").fetchone()
            assert owner != "elsewhere"
    finally:
        locks.close()
