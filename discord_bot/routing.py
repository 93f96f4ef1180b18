"""Which Discord messages the bot answers, and in which conversation.

Pure decisions over discord.py objects: no I/O here, so the rules read in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from community_bot.settings import Settings


def thread_id_for(channel_id: int) -> str:
    """The graph thread of a channel, Discord thread or DM: one memory each."""
    return f"discord:{channel_id}"


def profile_for(settings: Settings, channel_id: int, parent_id: int | None = None) -> str | None:
    """The channel's prompt profile; a Discord thread inherits its parent channel's."""
    profiles = settings.discord_channel_profiles
    found = profiles.get(str(channel_id))
    if found is None and parent_id is not None:
        found = profiles.get(str(parent_id))
    return found


@dataclass(frozen=True)
class Route:
    """Where a message's answer goes."""

    channel_id: int  # the answer's channel, and the key of its turn queue
    thread_id: str
    profile: str | None
    open_thread: bool = False  # thread mode: answer in a new Discord thread off this message


def _parent_id(channel: object) -> int | None:
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def _replies_to(message: discord.Message, me: discord.abc.User) -> bool:
    reference = message.reference
    if reference is None:
        return False
    resolved = reference.resolved or reference.cached_message
    return isinstance(resolved, discord.Message) and resolved.author.id == me.id


def route_message(
    message: discord.Message, me: discord.abc.User, settings: Settings
) -> Route | None:
    """The route for a message the bot should answer, or None to stay quiet."""
    if message.author.bot or message.author.id == me.id:
        return None
    channel = message.channel
    if isinstance(channel, discord.DMChannel):
        if not settings.discord_allow_dms:
            return None
        return Route(channel.id, thread_id_for(channel.id), profile_for(settings, channel.id))
    parent_id = _parent_id(channel)
    forum_ids = set(settings.discord_forum_channel_ids)
    if parent_id in forum_ids and message.id == channel.id:
        return None  # a forum post's opening message is answered from THREAD_CREATE
    watched = settings.answer_channel_ids
    monitored = channel.id in watched or parent_id in watched or parent_id in forum_ids
    mentioned = any(user.id == me.id for user in message.mentions)
    if not (monitored or mentioned or _replies_to(message, me)):
        return None
    profile = profile_for(settings, channel.id, parent_id)
    open_thread = settings.discord_thread_mode and channel.id in watched and parent_id is None
    return Route(channel.id, thread_id_for(channel.id), profile, open_thread)


def question_text(message: discord.Message, me: discord.abc.User) -> str:
    """The message text without the mention of the bot that addressed it."""
    return re.sub(rf"<@!?{me.id}>", "", message.content).strip()


def thread_title(question: str, limit: int = 100) -> str:
    """The question's first words, a fallback title fitting Discord's 100-character limit."""
    words = " ".join(question.split())
    if len(words) <= limit:
        return words or "Question"
    return words[: limit - 1].rsplit(" ", 1)[0] + "…"
