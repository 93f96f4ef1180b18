"""Outages a community notices: a flood of answers, a refused resume, a killed process."""

from __future__ import annotations

import asyncio

from community_bot.settings import Settings
from discord_bot import wording
from runtime.app import open_app
from tests.discord.conftest import make_settings, running_bot, scripted
from tests.discord.test_run_command import (
    WITHIN_S,
    restart_until_answered,
    start_bot,
    stop_bot,
)
from tests.emulators.bedrock_runtime import aws_env
from tests.emulators.discord import DiscordEmulator
from tests.emulators.hang import HangServer
from tests.emulators.ollama import OllamaEmulator, answer

STREAMED = " ".join(f"word{n}" for n in range(80))


async def model_pace(thread_id: str, index: int) -> None:
    """The scripted model writes a word every 10 ms (its speed, not a synchronisation)."""
    await asyncio.sleep(0.01)


async def test_streamed_answers_share_one_request_budget_and_all_complete(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    emu.rest.global_limit = 12
    channels = [emu.add_text_channel(f"help-{n}") for n in range(10)]
    backend = scripted(emu, answer=lambda *_: STREAMED, between_tokens=model_pace)
    settings = make_settings(
        emu, tmp_path, discord_channel_ids=channels, discord_max_requests_per_second=10
    )
    async with running_bot(emu, settings, backend):
        started = emu.requests[-1].at
        for channel in channels:
            await emu.send_user_message(channel, emu.alice, f"What is in {channel}?")
        for channel in channels:
            await emu.wait_for(
                lambda channel=channel: emu.bot_texts(channel) == [STREAMED],
                within=60,
                what=f"the final answer in {channel}",
            )
    assert emu.rest.global_429s == 0
    assert emu.rest.peak_per_second(since=started) <= 10
    edits = [e for c in channels for m in emu.bot_messages(c) for e in emu.edits_of(int(m["id"]))]
    assert edits  # streamed, not only sent whole


async def test_questions_asked_while_a_resume_was_refused_are_answered(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "What is a tier?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the first answer")
        emu.gateway.refuse_resume = True
        await emu.drop_connection()
        # Queued for the old session, which Discord then drops: only the history has it.
        await emu.send_user_message(emu.general, emu.bob, "How do I reset a channel?")
        await emu.send_user_message(emu.general, emu.carol, "thanks!")  # not for an answer
        await emu.wait_for(
            lambda: len(emu.bot_texts(emu.general)) == 2, within=30, what="the missed answer"
        )
        await emu.wait_for(lambda: emu.gateway.identifies == 2, what="the new session")
    assert emu.gateway.refused_resumes == 1
    assert [turn[1] for turn in backend.conversation.turns] == [
        "What is a tier?",
        "How do I reset a channel?",
    ]


async def test_after_kill_9_mid_answer_the_question_is_answered_again_and_remembered_once(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    general = emu.general  # type: ignore[attr-defined]
    data_dir = tmp_path / "data"
    slow = " ".join(f"step{n}" for n in range(400))
    mac, tier = "How do I install it on my Mac?", "What is a tier?"
    with OllamaEmulator() as ollama:
        ollama.script(
            "llama3.2:3b",
            answer(slow, token_delay_s=0.05, times=1),
            answer("Use Homebrew: brew install community-bot.", times=1),
            answer("Fast."),
        )
        env = {
            "BACKEND_MODE": "ollama",
            "OLLAMA_BASE_URL": ollama.url,
            "OLLAMA_MODEL": "llama3.2:3b",
            "DISCORD_EDIT_INTERVAL_SECONDS": "0.2",
        }
        bot = await start_bot(emu, data_dir, **env)
        try:
            asked = await emu.send_user_message(general, emu.alice, mac)  # type: ignore[attr-defined]
            await emu.wait_for(
                lambda: emu.bot_texts(general), what="the answer streaming", within=WITHIN_S
            )
            waiting = await emu.send_user_message(general, emu.bob, tier)  # type: ignore[attr-defined]
            await emu.wait_for(
                lambda: emu.edits_of(int(emu.bot_messages(general)[0]["id"])),
                what="an edit of the half answer",
                within=WITHIN_S,
            )
        finally:
            bot.kill()
            await bot.wait()
        half = emu.bot_messages(general)[0]
        assert "step399" not in half["content"]
        asked_before = len(ollama.requests)

        def answers_to(question: int) -> list[str]:
            return [
                m["content"]
                for m in emu.bot_messages(general)
                if m.get("message_reference", {}).get("message_id") == str(question)
                and m["id"] != half["id"]
            ]

        bot = await start_bot(emu, data_dir, **env)
        try:
            await emu.wait_for(
                lambda: half["content"].endswith(wording.ANSWERING_AGAIN),
                what="the half answer marked as being answered again",
                within=WITHIN_S,
            )
            await emu.wait_for(
                lambda: any("brew install" in text for text in answers_to(asked)),
                what="the cut-off question answered again after the restart",
                within=WITHIN_S,
            )
            await emu.wait_for(
                lambda: answers_to(waiting), what="the waiting question answered", within=WITHIN_S
            )
        finally:
            await stop_bot(bot)

    assert "step" in half["content"]  # what was shown stays, above the note
    assert len(answers_to(asked)) == 1
    # The model saw the cut-off question once, not once per attempt.
    again = ollama.requests[asked_before].body["messages"]
    assert sum(mac in str(m.get("content", "")) for m in again) == 1
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, background=False) as app:
        history = await app.conversation.history(f"discord:{general}")
        unanswered = await app.conversation.unanswered(f"discord:{general}")
    assert [m.content for m in history if m.type == "human"] == [mac, tier]
    assert sum(m.type == "ai" for m in history) == 2
    assert unanswered is None


async def test_after_kill_9_before_the_first_word_the_question_is_answered_and_remembered_once(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    general = emu.general  # type: ignore[attr-defined]
    data_dir, thread = tmp_path / "data", f"discord:{emu.general}"  # type: ignore[attr-defined]
    mac = "How do I install it on my Mac?"

    async def memory() -> tuple[list[str], str | None]:
        settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
        async with open_app(settings, background=False) as app:
            history = await app.conversation.history(thread)
            waiting = await app.conversation.unanswered(thread)
        humans = [str(m.content) for m in history if m.type == "human"]
        return humans, None if waiting is None else str(waiting.content)

    with HangServer() as hang:  # the model that never says a word
        bot = await start_bot(emu, data_dir, **aws_env(hang.url), TURN_TIMEOUT_SECONDS="600")
        try:
            await emu.send_user_message(general, emu.alice, mac)  # type: ignore[attr-defined]
            assert await asyncio.to_thread(hang.wait_for_connections, 1, WITHIN_S)
        finally:
            bot.kill()
            await bot.wait()
    assert emu.bot_messages(general) == []
    assert await memory() == ([mac], mac)  # saved before the model ran, never answered

    await restart_until_answered(emu, data_dir, general, "the question answered after the restart")
    assert len(emu.bot_messages(general)) == 1
    assert await memory() == ([mac], None)


def test_marking_a_half_answer_again_after_a_second_restart_keeps_one_note() -> None:
    half = "Install it with\n```sh\nbrew inst"
    once = wording.interrupted(half, note=wording.ANSWERING_AGAIN)
    assert once.endswith("```\n\n" + wording.ANSWERING_AGAIN)  # the open fence is closed
    assert wording.interrupted(once, note=wording.ANSWERING_AGAIN) == once
    deleted = wording.interrupted(once)  # the question is gone meanwhile: the older wording
    assert deleted.count("I was interrupted") == 1 and deleted.endswith(wording.INTERRUPTED)
