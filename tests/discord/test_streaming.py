"""Streaming cadence and shutdown: per-message edit throttle, balanced fences, graceful stop."""

from __future__ import annotations

import asyncio

from discord_bot.streaming import StreamedReply
from tests.discord.conftest import fences_balanced, make_settings, running_bot, scripted
from tests.emulators.discord import DiscordEmulator


async def test_edits_are_throttled_per_message_not_by_one_global_timer(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    channels = (emu.general, emu.support)

    def first_edits() -> list[float] | None:
        messages = [emu.bot_messages(c) for c in channels]
        if not all(messages):
            return None
        edits = [emu.edits_of(int(m[0]["id"])) for m in messages]
        return [e[0].at for e in edits] if all(edits) else None

    async def in_lockstep(thread_id: str, index: int) -> None:
        if index == 0:  # both channels have shown their first words…
            await emu.wait_for(lambda: all(emu.bot_messages(c) for c in channels))
        elif index == 1:  # …and both have been edited once before either stream ends
            await emu.wait_for(first_edits, what="an edit in each channel")

    backend = scripted(emu, between_tokens=in_lockstep, answer=lambda *_: "one two three")
    settings = make_settings(emu, tmp_path, discord_edit_interval_seconds=0.5)
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.general, emu.alice, "first channel")
        await emu.send_user_message(emu.support, emu.bob, "second channel")
        edits = await emu.wait_for(first_edits, what="an edit in each channel")
        for channel in channels:
            await emu.wait_for(lambda c=channel: emu.bot_texts(c) == ["one two three"])

    created = [emu.requests_to("POST", rf"^/channels/{c}/messages$")[0].at for c in channels]
    for made, edited in zip(created, edits, strict=True):
        assert edited - made >= 0.5 - 0.02  # each message waits its own interval…
    assert abs(edits[0] - edits[1]) < 0.25  # …but not for the other channel's edits


class RecordingOutlet:
    def __init__(self) -> None:
        self.contents: dict[int, str] = {}
        self.writes: list[str] = []

    async def typing(self) -> None:
        pass

    async def send(self, content: str) -> int:
        self.contents[len(self.contents)] = content
        self.writes.append(content)
        return len(self.contents) - 1

    async def edit(self, message_id: int, content: str) -> None:
        self.contents[message_id] = content
        self.writes.append(content)

    async def delete(self, message_id: int) -> None:
        del self.contents[message_id]


async def test_long_code_continues_in_a_new_message_with_fences_balanced():
    outlet = RecordingOutlet()
    reply = StreamedReply(outlet, edit_interval=0.2, limit=200)
    text = (
        "Intro line.\n```python\n" + "".join(f"value_{n} = {n}\n" for n in range(60)) + "```\nEnd"
    )
    for start in range(0, len(text), 7):
        reply.push(text[start : start + 7])
        await asyncio.sleep(0)  # let the background pump run, as a real token stream would
    final = ["final one", "final two"]
    assert await reply.finish(final) == [0, 1]
    assert list(outlet.contents.values()) == final
    assert len(outlet.writes) > 2
    for write in outlet.writes:
        assert len(write) <= 200
        assert fences_balanced(write), write


async def test_shutdown_finishes_the_answer_in_flight_and_takes_no_new_messages(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    release = asyncio.Event()

    async def hold(thread_id: str, index: int) -> None:
        if index == 0:
            await release.wait()

    backend = scripted(emu, between_tokens=hold, answer=lambda *_: "finished despite shutdown")
    async with running_bot(emu, make_settings(emu, tmp_path), backend) as client:
        await emu.send_user_message(emu.general, emu.alice, "long question")
        await emu.wait_for(lambda: emu.bot_messages(emu.general), what="the answer to start")
        closing = asyncio.create_task(client.close())
        await emu.send_user_message(emu.general, emu.bob, "too late")
        release.set()
        await closing
    assert emu.bot_texts(emu.general) == ["finished despite shutdown"]
    assert [turn[1] for turn in backend.conversation.turns] == ["long question"]
