"""A busy community channel: several members, replies, mentions, chit-chat, edits and votes."""

from __future__ import annotations

import asyncio

from community_bot.routing import decide
from community_bot.turns import Author, Quoted
from discord_bot import wording
from discord_bot.turns import TYPING_REFRESH_SECONDS
from nodes.services import Services
from runtime.app import open_app
from tests.discord.conftest import make_settings, running_bot, scripted
from tests.emulators.discord import DiscordEmulator
from tests.fakes import FixedKnowledge, ScriptedGateway


def held_after_first_token(emu: DiscordEmulator, release: asyncio.Event, thread: str):
    """A `between_tokens` that holds `thread`'s answers after their first token until
    `release` is set (other threads stream freely)."""

    async def hold(thread_id: str, index: int) -> None:
        if thread_id == thread and index == 0:
            await release.wait()

    return hold


async def test_a_short_question_is_searched_only_with_what_it_follows(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    knowledge, models = FixedKnowledge(), ScriptedGateway()
    settings = make_settings(emu, tmp_path)
    role = emu.moderator_role_id
    services = Services(settings.memory, settings.prompts, knowledge, models, decide)
    async with open_app(settings, services) as app, running_bot(emu, settings, app):

        async def ask(author: int, text: str, **extra: object) -> None:
            asked = len(knowledge.queries)
            await emu.send_user_message(emu.general, author, text, **extra)  # type: ignore[arg-type]
            await emu.wait_for(lambda: len(knowledge.queries) > asked, what=text)

        await ask(emu.alice, "How do I install on macOS?")
        await ask(emu.bob, "How do I install on Linux?")  # another member's question
        await ask(emu.alice, "and on Windows?")  # Alice's own follow-up
        linux = next(int(m["id"]) for m in emu.messages.values() if m["content"].endswith("Linux?"))
        await ask(emu.carol, "what about arm64?", reply_to=linux)
        await ask(emu.mod, f"<@&{role}> <@{emu.bob}> how do I upgrade?", mentions=[emu.bob])
    assert knowledge.queries == [
        "How do I install on macOS?",
        "How do I install on Linux?",
        "How do I install on macOS?\nand on Windows?",
        "How do I install on Linux?\nwhat about arm64?",
        "@moderators @bob how do I upgrade?",
    ]
    reply_prompt = models.prompts[3][-1].content
    assert (
        reply_prompt == 'carol: (replying to bob: "How do I install on Linux?")\nwhat about arm64?'
    )


async def test_chit_chat_gets_a_reaction_and_talk_between_members_nothing(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        thanks = await emu.send_user_message(emu.general, emu.alice, "thanks!")
        lol = await emu.send_user_message(emu.general, emu.carol, "lol")
        await emu.send_user_message(
            emu.general, emu.alice, f"<@{emu.bob}> yes I agree", mentions=[emu.bob]
        )
        await emu.send_user_message(emu.general, emu.bob, "How do I install it?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the one answer")
        await emu.wait_for(lambda: len(emu.bot_reactions) == 2, what="two reactions")
    assert [turn[1] for turn in backend.conversation.turns] == ["How do I install it?"]
    assert emu.bot_reactions == {thanks: {"🙂"}, lol: {"🙂"}}

    quiet = make_settings(emu, tmp_path, discord_chit_chat="quiet")
    backend = scripted(emu)
    async with running_bot(emu, quiet, backend):
        await emu.send_user_message(emu.general, emu.alice, "thanks a lot")
        await emu.send_user_message(emu.general, emu.bob, "What is a tier?")
        await emu.wait_for(lambda: len(emu.bot_texts(emu.general)) == 2, what="the answer")
    assert [turn[1] for turn in backend.conversation.turns] == ["What is a tier?"]
    assert len(emu.bot_reactions) == 2


async def test_a_reply_carries_the_replied_to_message_into_the_turn(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        first = await emu.send_user_message(emu.general, emu.alice, "Which port does it use?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the first answer")
        await emu.send_user_message(emu.general, emu.bob, "and behind a proxy?", reply_to=first)
        await emu.wait_for(lambda: len(emu.bot_texts(emu.general)) == 2, what="the reply")
    alice = Author(str(emu.alice), "alice")
    assert backend.conversation.replies_to == [None, Quoted(alice, "Which port does it use?")]


async def test_thread_mode_opens_the_thread_at_once_and_renames_it_once(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    backend.title_gate = asyncio.Event()  # the small model is slow to title
    settings = make_settings(emu, tmp_path, discord_thread_mode=True)
    question = f"<@{emu.bob}> why does ```pip install x``` fail on Linux with `ENOSPC`?"
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.general, emu.alice, question, mentions=[emu.bob])
        await emu.wait_for(lambda: emu.threads_of(emu.general), what="a thread, at once")
        thread = emu.threads_of(emu.general)[0]
        thread_id = int(thread["id"])
        assert thread["name"] == "@bob why does fail on Linux with ENOSPC?"
        await emu.wait_for(lambda: emu.bot_texts(thread_id), what="the answer, untitled yet")
        assert emu.renames == {}
        backend.title_gate.set()
        await emu.wait_for(lambda: emu.renames, what="the model's title")
    assert emu.renames == {thread_id: ["Title: @bob why does"]}


async def test_questions_waiting_their_turn_see_typing_at_once(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    release = asyncio.Event()
    hold = held_after_first_token(emu, release, f"discord:{emu.general}")
    backend = scripted(emu, between_tokens=hold)
    typing = rf"^/channels/{emu.general}/typing$"
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "What is a tier?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the first answer starting")
        shown = len(emu.requests_to("POST", typing))
        await emu.send_user_message(emu.general, emu.bob, "How do I reset a channel?")
        # Within less than the running turn's 8 s typing refresh: only an acknowledgement of
        # bob's question can show it.
        await emu.wait_for(
            lambda: len(emu.requests_to("POST", typing)) > shown,
            within=TYPING_REFRESH_SECONDS / 2,
            what="typing for bob, at once",
        )
        assert len(backend.conversation.turns) == 1  # bob's turn has not started
        release.set()
        await emu.wait_for(lambda: len(emu.bot_texts(emu.general)) == 2, what="both answers")


async def test_edited_question_is_answered_as_edited_and_deleted_one_not_at_all(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    release = asyncio.Event()
    hold = held_after_first_token(emu, release, f"discord:{emu.general}")
    backend = scripted(emu, between_tokens=hold)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "What is a tier?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the first answer starting")
        bobs = await emu.send_user_message(emu.general, emu.bob, "How do I resett?")
        carols = await emu.send_user_message(emu.general, emu.carol, "How do I sync?")
        await emu.edit_user_message(bobs, "How do I reset a channel?")
        await emu.delete_user_message(carols)
        # Events are handled in order: once the bot reacts to this, it has seen both changes.
        barrier = await emu.send_user_message(emu.general, emu.mod, "thanks!")
        await emu.wait_for(lambda: barrier in emu.bot_reactions, what="the barrier's reaction")
        release.set()
        await emu.wait_for(lambda: len(emu.bot_texts(emu.general)) == 2, what="two answers")
    asked = [turn[1] for turn in backend.conversation.turns]
    assert asked == ["What is a tier?", "How do I reset a channel?"]


async def test_votes_while_streaming_count_removal_retracts_and_bots_do_not_vote(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    release = asyncio.Event()
    hold = held_after_first_token(emu, release, f"discord:{emu.general}")
    backend = scripted(emu, between_tokens=hold)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "What is a tier?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the answer streaming")
        answer = int(emu.bot_messages(emu.general)[0]["id"])
        await emu.add_reaction(emu.general, answer, emu.bob, "👍")  # while streaming
        await emu.add_reaction(emu.general, answer, emu.other_bot, "👎")  # a bot
        release.set()
        await emu.wait_for(lambda: backend.feedback, what="bob's vote, once final")
        await emu.add_reaction(emu.general, answer, emu.carol, "👎")
        await emu.remove_reaction(emu.general, answer, emu.carol, "👎")
        await emu.remove_reaction(emu.general, answer, emu.alice, "👍")  # never voted
        await emu.wait_for(lambda: len(backend.feedback) == 3, what="carol's vote and retraction")
    thread = f"discord:{emu.general}"
    assert backend.feedback == [
        (thread, "run-1", str(emu.bob), 1),
        (thread, "run-1", str(emu.carol), -1),
        (thread, "run-1", str(emu.carol), 0),
    ]


async def test_forum_posts_opened_by_bots_are_not_answered(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, discord_forum_channel_ids=[emu.forum])
    async with running_bot(emu, settings, backend):
        by_bot = await emu.create_forum_post(emu.forum, emu.other_bot, "Release 2.0", "Notes.")
        by_bob = await emu.create_forum_post(emu.forum, emu.bob, "Crash on start", "Why?")
        await emu.wait_for(lambda: emu.bot_texts(by_bob), what="the answer to bob's post")
    assert emu.bot_texts(by_bot) == []
    assert [turn[0] for turn in backend.conversation.turns] == [f"discord:{by_bob}"]


async def test_attachments_are_read_when_text_and_named_when_not(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        shot = await emu.send_user_message(
            emu.general, emu.alice, "", attachments=[("screen.png", b"\x89PNG....")]
        )
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the reply about the file")
        await emu.send_user_message(
            emu.general,
            emu.bob,
            "Why does it fail?",
            attachments=[("error.log", b"Traceback (most recent call last):\nOSError: boom\n")],
        )
        await emu.wait_for(lambda: backend.conversation.turns, what="bob's turn")
    assert emu.bot_messages(emu.general)[0]["message_reference"]["message_id"] == str(shot)
    assert emu.bot_texts(emu.general)[0] == wording.FILES_NOT_READ
    assert backend.conversation.turns[0][1] == (
        "Why does it fail?\n\nerror.log:\n```\nTraceback (most recent call last):\n"
        "OSError: boom\n```"
    )
