"""Which messages get answers, in which memory, and how they look in Discord."""

from __future__ import annotations

import itertools

from community_bot.text.splitting import split_reply
from discord_bot.wording import with_sources
from tests.discord.conftest import fences_balanced, make_settings, running_bot, scripted
from tests.emulators.discord import DiscordEmulator

LONG_ANSWER = (
    " ".join(f"word{n}" for n in range(140))
    + "\n\n```python\n"
    + "\n".join(f"print({n})" for n in range(40))
    + "\n```\nDone."
)


async def test_question_in_configured_channel_is_streamed_and_split(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    channel = emu.general

    async def hold_until_first_message(thread_id: str, index: int) -> None:
        if index == 0:
            await emu.wait_for(lambda: emu.bot_messages(channel), what="the first message")

    backend = scripted(
        emu,
        answer=lambda *_: LONG_ANSWER,
        limit=300,
        words_per_token=3,
        between_tokens=hold_until_first_message,
    )
    settings = make_settings(emu, tmp_path, max_response_chars=300)
    async with running_bot(emu, settings, backend):
        question = await emu.send_user_message(channel, emu.alice, "How do I print?")
        chunks = with_sources(split_reply(LONG_ANSWER, 300), [])
        await emu.wait_for(lambda: emu.bot_texts(channel) == chunks, what="the final chunks")

    messages = emu.bot_messages(channel)
    assert len(chunks) >= 3
    continued = [m["content"] for m in messages if m["content"].startswith("```python")]
    assert continued, "no message continues the code block"
    for text in emu.bot_texts(channel):
        assert not text.endswith("\n\n```"), text  # no blank line before a closing fence
    assert messages[0]["message_reference"]["message_id"] == str(question)
    typing = emu.requests_to("POST", rf"/channels/{channel}/typing")
    creates = emu.requests_to("POST", rf"/channels/{channel}/messages$")
    assert typing and typing[0].at <= creates[0].at
    edits = [e for m in messages for e in emu.edits_of(int(m["id"]))]
    assert edits, "the first message was never edited while streaming"
    for write in emu.message_writes():
        assert len(write.body["content"]) <= 2000
        assert fences_balanced(write.body["content"]), write.body["content"]
    for message in messages:
        times = [e.at for e in emu.edits_of(int(message["id"]))]
        assert all(b - a >= 0.2 - 0.02 for a, b in itertools.pairwise(times))


async def test_a_tiny_leftover_of_a_split_goes_back_into_the_message_before(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    answer = " ".join(["word"] * 62) + " end."  # the split leaves "word end." alone
    assert len(split_reply(answer, 300)) == 2
    backend = scripted(emu, answer=lambda *_: answer, limit=300, words_per_token=5)
    settings = make_settings(emu, tmp_path, max_response_chars=300)
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.general, emu.alice, "Say a lot?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == [answer], what="one message")


async def test_unconfigured_channel_gets_nothing_unless_mentioned(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, discord_answer_mentions_in="anywhere")
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.offtopic, emu.alice, "anyone here?")
        await emu.send_user_message(emu.general, emu.other_bot, "I am a bot, ignore me")
        await emu.send_user_message(emu.general, emu.alice, "first question")
        first = ["Answer to: first question (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == first, what="general answer")
        assert emu.bot_texts(emu.offtopic) == []
        assert [turn[1] for turn in backend.conversation.turns] == ["first question"]

        bot_id = int(emu.bot_user["id"])
        await emu.send_user_message(
            emu.offtopic, emu.bob, f"<@{bot_id}> what is this?", mentions=[bot_id]
        )
        mentioned = ["Answer to: what is this? (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.offtopic) == mentioned, what="mention")

        answer = int(emu.bot_messages(emu.offtopic)[0]["id"])
        await emu.send_user_message(emu.offtopic, emu.bob, "and then?", reply_to=answer)
        replied = [*mentioned, "Answer to: and then? (remembered 1)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.offtopic) == replied, what="reply answer")


async def test_by_default_mentions_elsewhere_get_one_pointer_to_the_answered_channels(
    emulator, tmp_path
):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    bot_id = int(emu.bot_user["id"])
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        for text in ("what is this?", "hello??"):
            await emu.send_user_message(
                emu.offtopic, emu.bob, f"<@{bot_id}> {text}", mentions=[bot_id]
            )
        await emu.send_user_message(emu.general, emu.alice, "a real question?")
        await emu.wait_for(lambda: len(emu.bot_texts(emu.general)) == 1, what="general answer")
        await emu.wait_for(lambda: emu.bot_texts(emu.offtopic), what="the pointer")
    assert emu.bot_texts(emu.offtopic) == [
        f"I answer questions in <#{emu.general}>, <#{emu.support}>: ask me there"
        " (or use `/ask` here)."
    ]
    assert [turn[1] for turn in backend.conversation.turns] == ["a real question?"]


async def test_two_channels_never_share_memory(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    async with running_bot(emu, make_settings(emu, tmp_path), scripted(emu)):
        await emu.send_user_message(emu.general, emu.alice, "one")
        await emu.send_user_message(emu.general, emu.alice, "two")
        await emu.send_user_message(emu.support, emu.alice, "three")
        general = ["Answer to: one (remembered 0)", "Answer to: two (remembered 1)"]
        support = ["Answer to: three (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == general, what="general")
        await emu.wait_for(lambda: emu.bot_texts(emu.support) == support, what="support")


async def test_bursts_from_several_users_are_all_answered_in_order(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    sent = []
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        for round_ in range(3):
            for name in ("alice", "bob", "carol"):
                text = f"{name} question {round_}"
                await emu.send_user_message(emu.general, getattr(emu, name), text)
                sent.append((name, text))
        expected = [f"Answer to: {text} (remembered {n})" for n, (_, text) in enumerate(sent)]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == expected, what="nine answers")
    turns = backend.conversation.turns
    assert [(author.name, text) for _, text, author, _ in turns] == sent


async def test_everyone_in_model_output_pings_nobody(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    ping = f"@everyone @here <@&{emu.moderator_role_id}> <@{emu.bob}> look at this"
    expected = ping + " " + " ".join(["x"] * 60)
    backend = scripted(emu, answer=lambda *_: expected, words_per_token=4)
    settings = make_settings(emu, tmp_path)
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.general, emu.alice, "what would you say to everyone?")
        await emu.invoke_slash(
            "ask", {"question": "ping them"}, channel_id=emu.support, user_id=emu.alice
        )
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == [expected], what="answer")
        await emu.wait_for(lambda: emu.bot_texts(emu.support) == [expected], what="follow-up")
    writes = emu.message_writes()
    assert any(w.method == "PATCH" for w in writes)
    assert any(w.path.startswith("/webhooks/") for w in writes)
    for write in writes:
        assert write.allowed_mentions == {"parse": []}, (write.method, write.path, write.body)


async def test_rest_429_and_dropped_gateway_are_survived(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    async with running_bot(emu, make_settings(emu, tmp_path), scripted(emu)):
        limit = emu.rate_limit_next("POST", rf"^/channels/{emu.general}/messages$", count=2)
        await emu.send_user_message(emu.general, emu.alice, "before the storm")
        first = ["Answer to: before the storm (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == first, what="answer after 429s")
        assert len(limit.hits) == 2

        await emu.drop_connection()
        # Sent while the bot is disconnected: only a RESUME replay can deliver it.
        await emu.send_user_message(emu.general, emu.bob, "during the outage")
        both = [*first, "Answer to: during the outage (remembered 1)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == both, what="replayed answer")
        assert emu.gateway.resumes == 1
        assert emu.gateway.identifies == 1


async def test_rate_limited_user_gets_one_clear_reply(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, rate_limit_burst=1, rate_limit_per_minute=1.0)
    async with running_bot(emu, settings, backend):
        for n in range(3):
            await emu.send_user_message(emu.general, emu.alice, f"spam {n}")
        await emu.send_user_message(emu.general, emu.bob, "a fair question")
        fair = "Answer to: a fair question (remembered 1)"
        await emu.wait_for(lambda: fair in emu.bot_texts(emu.general), what="bob's answer")
    # One warning for the flood (sent at once, so its position varies); answers keep their order.
    texts = emu.bot_texts(emu.general)
    warnings = [t for t in texts if t.startswith("You're sending questions faster than I can")]
    assert len(warnings) == 1
    assert [t for t in texts if t not in warnings] == ["Answer to: spam 0 (remembered 0)", fair]
    assert [turn[1] for turn in backend.conversation.turns] == ["spam 0", "a fair question"]


async def test_over_long_input_is_refused_politely(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, discord_max_input_chars=50)
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.general, emu.alice, "y" * 51)
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the refusal")
    assert emu.bot_texts(emu.general) == [
        "That message is 51 characters; I can take at most 50. "
        "Could you shorten it or split it into smaller questions?"
    ]
    assert backend.conversation.turns == []


async def test_a_failing_turn_gets_one_polite_message(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu, fail_with=RuntimeError("model exploded: secret details"))
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "break please")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the apology")
    assert emu.bot_texts(emu.general) == [
        "Sorry, I couldn't answer that. Please try again in a moment."
    ]


async def test_citations_close_the_answer_compactly(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    citations = [
        {"number": 1, "title": "Install guide", "source": "docs/install.md"},
        {"number": 2, "title": "FAQ", "source": "https://example.org/faq"},
    ]
    backend = scripted(emu, citations=citations)
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        await emu.send_user_message(emu.general, emu.alice, "how to install")
        await emu.wait_for(lambda: "Sources" in "".join(emu.bot_texts(emu.general)))
    assert emu.bot_texts(emu.general) == [
        "Answer to: how to install (remembered 0)\n"
        "-# Sources: [1] Install guide · [2] [FAQ](<https://example.org/faq>)"
    ]


async def test_direct_messages_are_answered_only_when_enabled(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    dm = emu.add_dm_channel(emu.alice)
    async with running_bot(emu, make_settings(emu, tmp_path), scripted(emu)):
        await emu.send_user_message(dm, emu.alice, "a private question")
        await emu.send_user_message(emu.general, emu.alice, "a public question")
        public = ["Answer to: a public question (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(emu.general) == public, what="public answer")
        assert emu.bot_texts(dm) == []

    settings = make_settings(emu, tmp_path, discord_allow_dms=True)
    async with running_bot(emu, settings, scripted(emu)):
        await emu.send_user_message(dm, emu.alice, "a private question")
        private = ["Answer to: a private question (remembered 0)"]
        await emu.wait_for(lambda: emu.bot_texts(dm) == private, what="DM answer")
