"""Thread mode, forum posts, per-channel profiles, debounce and reaction feedback."""

from __future__ import annotations

from tests.discord.conftest import make_settings, running_bot, scripted
from tests.emulators.discord import DiscordEmulator


async def test_thread_mode_answers_each_question_in_its_own_thread(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, discord_thread_mode=True)
    async with running_bot(emu, settings, backend):
        question = await emu.send_user_message(emu.general, emu.alice, "How do I install it?")
        await emu.wait_for(lambda: emu.threads_of(emu.general), what="a new thread")
        thread = emu.threads_of(emu.general)[0]
        thread_id = int(thread["id"])
        first = ["Answer to: How do I install it? (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(thread_id) == first, what="answer in thread")

        await emu.send_user_message(thread_id, emu.alice, "and on Windows?")
        both = [*first, "Answer to: and on Windows? (remembered 1)"]
        await emu.wait_for(lambda: emu.bot_texts(thread_id) == both, what="follow-up answer")
    assert thread_id == question  # started from the question itself
    assert thread["name"] == "Title: How do I install" == backend.titles[0]
    assert emu.bot_texts(emu.general) == []
    assert {turn[0] for turn in backend.conversation.turns} == {f"discord:{thread_id}"}


async def test_forum_posts_are_answered_and_threads_inherit_profiles(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(
        emu,
        tmp_path,
        discord_forum_channel_ids=[emu.forum],
        discord_channel_profiles={str(emu.forum): "support", str(emu.general): "dev"},
    )
    async with running_bot(emu, settings, backend):
        post = await emu.create_forum_post(emu.forum, emu.bob, "Crash on start", "It crashes.")
        expected = ["Answer to: Crash on start\n\nIt crashes. (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(post) == expected, what="forum answer")
        await emu.send_user_message(post, emu.bob, "still crashing")
        await emu.wait_for(lambda: len(emu.bot_texts(post)) == 2, what="forum follow-up")
        await emu.send_user_message(emu.general, emu.bob, "dev question")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="general answer")
    profiles = [(turn[0], turn[3]) for turn in backend.conversation.turns]
    assert profiles == [
        (f"discord:{post}", "support"),
        (f"discord:{post}", "support"),
        (f"discord:{emu.general}", "dev"),
    ]


async def test_a_burst_from_one_person_is_one_turn_when_debounced(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, discord_debounce_seconds=0.3)
    async with running_bot(emu, settings, backend):
        for line in ("hi", "my build fails", "with error 42"):
            await emu.send_user_message(emu.general, emu.alice, line)
        expected = ["Answer to: hi\nmy build fails\nwith error 42 (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == expected, what="merged answer")
    assert len(backend.conversation.turns) == 1


async def test_thumbs_on_an_answer_are_recorded_as_feedback(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "rate me")
        await emu.wait_for(
            lambda: emu.bot_texts(emu.general) == ["Answer to: rate me (remembered 0)"]
        )
        answer = int(emu.bot_messages(emu.general)[0]["id"])
        await emu.add_reaction(emu.general, answer, emu.bob, "👍🏽")
        await emu.add_reaction(emu.general, answer, emu.carol, "🎉")  # not feedback
        await emu.add_reaction(emu.general, answer, emu.alice, "👎")
        await emu.wait_for(lambda: len(backend.feedback) == 2, what="two feedback records")
    thread = f"discord:{emu.general}"
    assert backend.feedback == [
        (thread, "run-1", str(emu.bob), 1),
        (thread, "run-1", str(emu.alice), -1),
    ]
