"""A channel whose memory another process holds (a second bot, a terminal `ask` on the same
DATA_DIR): the member is told their answer comes next, and it does, once the thread is free."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from community_bot.thread_lock import ThreadBusyError
from community_bot.turns import FinalReply, TokenEvent, TurnEvent
from discord_bot import wording
from discord_bot.busy import BUSY_PATIENCE_S, when_free
from discord_bot.wording import with_sources
from runtime.app import open_app
from tests.discord.conftest import make_settings, running_bot
from tests.discord.recording import RecordingApp
from tests.discord.test_commands import follow_ups
from tests.discord.test_run_command import ROOT, WITHIN_S
from tests.emulators import discord_payloads as p
from tests.emulators.discord import DiscordEmulator

QUESTION = "How do I install the bot?"


async def hold_thread(data_dir: Path, thread_id: str) -> asyncio.subprocess.Process:
    """A second process holding `thread_id` through the real lock, until told to let go."""
    holder = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.discord.lock_holder", str(data_dir), thread_id),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert await asyncio.wait_for(holder.stdout.readline(), WITHIN_S) == b"held\n"
    return holder


async def let_go(holder: asyncio.subprocess.Process) -> None:
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write(b"go\n")
    await holder.stdin.drain()
    assert await asyncio.wait_for(holder.stdout.readline(), WITHIN_S) == b"released\n"
    assert await asyncio.wait_for(holder.wait(), WITHIN_S) == 0


async def test_a_question_on_a_thread_another_process_holds_is_answered_once_it_is_free(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    general = emu.general  # type: ignore[attr-defined]
    thread = f"discord:{general}"
    settings = make_settings(emu, tmp_path / "data", thread_lock_timeout_seconds=0.5)
    (tmp_path / "data").mkdir()
    holder = await hold_thread(tmp_path / "data", thread)
    try:
        async with open_app(settings) as app:
            recorded = RecordingApp(app, emu.changed)
            async with running_bot(emu, settings, recorded):
                asked = await emu.send_user_message(general, emu.alice, QUESTION)  # type: ignore[attr-defined]
                await emu.wait_for(
                    lambda: emu.bot_texts(general) == [wording.THREAD_BUSY],
                    what="the notice that another answer comes first",
                    within=WITHIN_S,
                )
                notice = emu.bot_messages(general)[0]
                await let_go(holder)
                await emu.wait_for(
                    lambda: recorded.conversation.finals, what="the answer", within=WITHIN_S
                )
                final = recorded.conversation.finals[0]
                await emu.wait_for(
                    lambda: emu.bot_texts(general) == with_sources(final.chunks, final.citations),
                    what="the answer shown, once the thread is free",
                    within=WITHIN_S,
                )
            history = await app.conversation.history(thread)
            unanswered = await app.conversation.unanswered(thread)
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()

    assert wording.TURN_FAILED not in emu.bot_texts(general)
    assert len(recorded.conversation.finals) == 1
    assert notice["message_reference"]["message_id"] == str(asked)
    first = emu.bot_messages(general)[0]
    assert first["message_reference"]["message_id"] == str(asked)  # the answer replies instead
    assert [m.content for m in history if m.type == "human"] == [QUESTION]
    assert unanswered is None


async def test_reset_while_another_process_holds_the_thread_says_so_and_forgets_nothing(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    general = emu.general  # type: ignore[attr-defined]
    thread = f"discord:{general}"
    settings = make_settings(emu, tmp_path / "data", thread_lock_timeout_seconds=0.5)
    async with open_app(settings) as app:
        recorded = RecordingApp(app, emu.changed)
        async with running_bot(emu, settings, recorded):
            await emu.send_user_message(general, emu.alice, QUESTION)  # type: ignore[attr-defined]
            await emu.wait_for(lambda: recorded.conversation.finals, what="the answer")
            holder = await hold_thread(tmp_path / "data", thread)
            try:
                reset = await emu.invoke_slash(
                    "reset",
                    channel_id=general,
                    user_id=emu.mod,  # type: ignore[attr-defined]
                    member_permissions=p.MEMBER_PERMISSIONS | p.MANAGE_MESSAGES,
                )
                await emu.wait_for(lambda: follow_ups(emu, reset), what="the reply to /reset")
            finally:
                await let_go(holder)
            history = await app.conversation.history(thread)
    assert follow_ups(emu, reset) == [wording.RESET_BUSY]
    assert [m.content for m in history if m.type == "human"] == [QUESTION]


class _Outlet:
    """Where `when_free` posts its notice; records what it sends and removes."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.deleted: list[int] = []
        self.told = asyncio.Event()  # set once something was sent

    async def typing(self) -> None:
        """Nothing to show."""

    async def send(self, content: str) -> int:
        self.sent.append(content)
        self.told.set()
        return len(self.sent)

    async def edit(self, message_id: int, content: str) -> None:
        raise AssertionError("the notice is never edited")

    async def delete(self, message_id: int) -> None:
        self.deleted.append(message_id)


async def test_a_thread_busy_past_the_patience_is_given_up_with_the_notice_removed() -> None:
    outlet, tries, now = _Outlet(), [], [0.0]

    async def busy() -> AsyncIterator[TurnEvent]:
        tries.append(now[0])
        now[0] += BUSY_PATIENCE_S / 3  # each try waits THREAD_LOCK_TIMEOUT_SECONDS in vain
        raise ThreadBusyError("discord:1", 120, "pid 7 on elsewhere")
        yield TokenEvent("never")

    with pytest.raises(ThreadBusyError):
        async for _ in when_free(busy, outlet, clock=lambda: now[0]):
            raise AssertionError("a busy thread yields nothing")
    assert len(tries) == 3
    assert outlet.sent == [wording.THREAD_BUSY]  # said once, not per try
    assert outlet.deleted == [1]


async def test_a_wait_stopped_by_a_shutdown_takes_its_notice_back() -> None:
    outlet = _Outlet()

    async def busy() -> AsyncIterator[TurnEvent]:
        raise ThreadBusyError("discord:1", 120, "pid 7 on elsewhere")
        yield TokenEvent("never")

    waiting = asyncio.create_task(anext(when_free(busy, outlet)))
    await outlet.told.wait()
    waiting.cancel()  # the shutdown's grace ran out; the record stays for the next start
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert (outlet.sent, outlet.deleted) == ([wording.THREAD_BUSY], [1])


async def test_a_turn_that_finds_the_thread_free_shows_no_notice() -> None:
    outlet = _Outlet()
    final = FinalReply(chunks=["Hi."], citations=[], thread_id="discord:1")

    async def free() -> AsyncIterator[TurnEvent]:
        yield TokenEvent("Hi.")
        yield final

    assert [e async for e in when_free(free, outlet)] == [TokenEvent("Hi."), final]
    assert (outlet.sent, outlet.deleted) == ([], [])
