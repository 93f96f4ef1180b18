"""A `/ask` whose process is killed mid-answer is finished after the restart, not lost."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from community_bot.settings import Settings
from discord_bot import wording
from runtime.app import open_app
from tests.discord.test_run_command import (
    WITHIN_S,
    restart_until_answered,
    start_bot,
    stop_bot,
)
from tests.emulators.bedrock_runtime import aws_env
from tests.emulators.discord import DiscordEmulator, EmulatedInteraction
from tests.emulators.hang import HangServer
from tests.emulators.ollama import OllamaEmulator, answer

MAC = "How do I install it on my Mac?"
LATER_S = 20 * 60  # the restart comes after the token's 15 minutes


async def memory(data_dir: Path, thread: str) -> tuple[list[str], int, str | None]:
    """(the questions remembered, the answers remembered, the question still waiting)."""
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, background=False) as app:
        history = await app.conversation.history(thread)
        waiting = await app.conversation.unanswered(thread)
    humans = [str(m.content) for m in history if m.type == "human"]
    answers = sum(m.type == "ai" for m in history)
    return humans, answers, None if waiting is None else str(waiting.content)


def asks_left(data_dir: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "discord.sqlite") as db:
        return db.execute("SELECT * FROM asks").fetchall()


def follow_ups(emu: DiscordEmulator, interaction: EmulatedInteraction) -> list[str]:
    ids = [interaction.original_id, *interaction.follow_up_ids]
    return list(dict.fromkeys(emu.messages[i]["content"] for i in ids if i in emu.messages))


async def test_ask_killed_mid_answer_is_finished_as_a_follow_up_and_remembered_once(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    general = emu.general  # type: ignore[attr-defined]
    data_dir = tmp_path / "data"
    slow = " ".join(f"step{n}" for n in range(400))
    with OllamaEmulator() as ollama:
        ollama.script(
            "llama3.2:3b",
            answer(slow, token_delay_s=0.05, times=1),
            answer("Use Homebrew: brew install community-bot."),
        )
        env = {
            "BACKEND_MODE": "ollama",
            "OLLAMA_BASE_URL": ollama.url,
            "OLLAMA_MODEL": "llama3.2:3b",
            "DISCORD_EDIT_INTERVAL_SECONDS": "0.2",
        }
        bot = await start_bot(emu, data_dir, **env)
        try:
            asked = await emu.invoke_slash(
                "ask",
                {"question": MAC},
                channel_id=general,
                user_id=emu.alice,  # type: ignore[attr-defined]
            )
            await emu.wait_for(
                lambda: asked.follow_up_ids and emu.edits_of(asked.follow_up_ids[0]),
                what="the /ask answer streaming",
                within=WITHIN_S,
            )
        finally:
            bot.kill()
            await bot.wait()
        half = emu.messages[asked.follow_up_ids[0]]
        assert "step" in half["content"] and "step399" not in half["content"]
        assert len(asks_left(data_dir)) == 1  # recorded in flight, still there after the kill
        asked_before = len(ollama.requests)

        bot = await start_bot(emu, data_dir, **env)
        try:
            await emu.wait_for(
                lambda: half["content"].endswith(wording.ANSWERING_AGAIN),
                what="the half answer marked as being answered again",
                within=WITHIN_S,
            )
            await emu.wait_for(
                lambda: any("brew install" in text for text in follow_ups(emu, asked)),
                what="the /ask answered again as a follow-up",
                within=WITHIN_S,
            )
        finally:
            logged = await stop_bot(bot)

    assert "step" in half["content"]  # what was shown stays, above the note
    assert len(follow_ups(emu, asked)) == 2  # the marked half answer, then the new one
    assert all(not m["content"].startswith("<@") for m in emu.bot_messages(general))
    again = ollama.requests[asked_before].body["messages"]
    assert sum(MAC in str(m.get("content", "")) for m in again) == 1
    assert await memory(data_dir, f"discord:{general}") == ([MAC], 1, None)
    assert asks_left(data_dir) == []  # the token went with the record
    assert "answering /ask" in logged and asked.token not in logged  # the token is a secret


async def test_ask_killed_past_the_token_lifetime_is_answered_in_the_channel_to_its_member(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    general, alice = emu.general, emu.alice  # type: ignore[attr-defined]
    data_dir = tmp_path / "data"
    with HangServer() as hang:  # the model that never says a word
        bot = await start_bot(emu, data_dir, **aws_env(hang.url), TURN_TIMEOUT_SECONDS="600")
        try:
            asked = await emu.invoke_slash(
                "ask", {"question": MAC}, channel_id=general, user_id=alice
            )
            assert await asyncio.to_thread(hang.wait_for_connections, 1, WITHIN_S)
        finally:
            bot.kill()
            await bot.wait()
    assert await memory(data_dir, f"discord:{general}") == ([MAC], 0, MAC)
    # The restart comes 20 minutes later: Discord no longer takes the token.
    asked.invoked_at -= LATER_S
    with sqlite3.connect(data_dir / "discord.sqlite") as db:
        db.execute("UPDATE asks SET asked_at = asked_at - ?", (LATER_S,))
    thinking = emu.bot_messages(general)
    assert [m["flags"] & 128 for m in thinking] == [128]  # only "thinking…" was shown

    logged = await restart_until_answered(
        emu, data_dir, general, "the /ask answered in the channel after the restart"
    )

    _, head, reply = emu.bot_messages(general)
    assert head["content"].startswith(f"<@{alice}> ⚠️ I was interrupted") and MAC in head["content"]
    assert reply["message_reference"]["message_id"] == head["id"]
    sent = emu.requests_to("POST", rf"^/channels/{general}/messages$")
    head_request = next(r for r in sent if r.body["content"] == head["content"])
    mentions = head_request.allowed_mentions
    assert [str(user) for user in mentions["users"]] == [str(alice)] and mentions["parse"] == []
    assert all(r.allowed_mentions == {"parse": []} for r in sent if r is not head_request)
    assert asked.follow_up_ids == []  # nothing was sent on the expired token
    assert await memory(data_dir, f"discord:{general}") == ([MAC], 1, None)
    assert asks_left(data_dir) == []
    assert "answering /ask" in logged and asked.token not in logged
