"""Slash commands: deferred within Discord's 3 s, answered by follow-up, /reset guarded."""

from __future__ import annotations

from discord_bot import wording
from tests.discord.conftest import make_settings, running_bot, scripted
from tests.emulators import discord_payloads as p
from tests.emulators.discord import DiscordEmulator


def follow_ups(emu: DiscordEmulator, interaction) -> list[str]:
    return [emu.messages[i]["content"] for i in interaction.follow_up_ids if i in emu.messages]


async def test_reset_is_refused_without_manage_messages_and_works_with_it(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    backend = scripted(emu)
    settings = make_settings(emu, tmp_path, discord_admin_role_ids=[emu.moderator_role_id])
    async with running_bot(emu, settings, backend):
        await emu.send_user_message(emu.general, emu.alice, "remember me")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="first answer")

        refused = await emu.invoke_slash("reset", channel_id=emu.general, user_id=emu.alice)
        await emu.wait_for(lambda: follow_ups(emu, refused), what="the refusal")
        assert follow_ups(emu, refused) == [
            "Only members with the Manage Messages permission can reset my memory here."
        ]
        assert backend.conversation.resets == []

        allowed = await emu.invoke_slash(
            "reset",
            channel_id=emu.general,
            user_id=emu.bob,
            member_permissions=p.MEMBER_PERMISSIONS | p.MANAGE_MESSAGES,
        )
        await emu.wait_for(lambda: follow_ups(emu, allowed), what="the reset confirmation")
        by_role = await emu.invoke_slash("reset", channel_id=emu.support, user_id=emu.mod)
        await emu.wait_for(lambda: follow_ups(emu, by_role), what="the admin-role reset")

        await emu.send_user_message(emu.general, emu.alice, "do you remember me?")
        fresh = "Answer to: do you remember me? (remembered 0)"
        await emu.wait_for(lambda: fresh in emu.bot_texts(emu.general), what="fresh answer")
    assert follow_ups(emu, allowed) == ["Done: I've forgotten this channel's conversation."]
    assert backend.conversation.resets == [f"discord:{emu.general}", f"discord:{emu.support}"]
    for interaction in (refused, allowed, by_role):
        assert interaction.response_type == 5  # deferred first…
        assert interaction.acknowledged_at - interaction.invoked_at < 3.0  # …inside the window


async def test_ask_and_status_are_answered_by_follow_up(emulator, tmp_path):
    emu: DiscordEmulator = emulator
    async with running_bot(emu, make_settings(emu, tmp_path), scripted(emu)):
        asked = await emu.invoke_slash(
            "ask", {"question": "what is up?"}, channel_id=emu.offtopic, user_id=emu.carol
        )
        status = await emu.invoke_slash("status", channel_id=emu.offtopic, user_id=emu.carol)
        answer = "Answer to: what is up? (remembered 0)"
        await emu.wait_for(lambda: follow_ups(emu, asked) == [answer], what="/ask answer")
        await emu.wait_for(lambda: follow_ups(emu, status), what="/status card")
    card = follow_ups(emu, status)[0]
    assert "**Models**" in card and "retrieval-only" in card and "**Uptime**" in card
    for interaction in (asked, status):
        assert interaction.response_type == 5
        assert interaction.acknowledged_at - interaction.invoked_at < 3.0


async def test_a_reset_that_fails_is_answered_and_the_channel_keeps_working(emulator, tmp_path):
    """The memory store refuses the reset (a dead database or LangGraph server): the moderator
    is told, instead of Discord's "thinking…" forever, and the next question is answered."""
    emu: DiscordEmulator = emulator
    backend = scripted(emu, reset_fails_with=ConnectionError("memory store unreachable"))
    async with running_bot(emu, make_settings(emu, tmp_path), backend):
        failed = await emu.invoke_slash(
            "reset",
            channel_id=emu.general,
            user_id=emu.bob,
            member_permissions=p.MEMBER_PERMISSIONS | p.MANAGE_MESSAGES,
        )
        await emu.wait_for(lambda: follow_ups(emu, failed), what="the reply to the failed reset")
        await emu.send_user_message(emu.general, emu.alice, "still there?")
        await emu.wait_for(lambda: emu.bot_texts(emu.general), what="the next answer")
    assert follow_ups(emu, failed) == [wording.RESET_FAILED]
    assert backend.conversation.resets == []
