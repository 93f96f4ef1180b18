"""Which Discord messages the bot answers, and in which conversation.

Pure decisions over discord.py objects: no I/O here, so the rules read in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from community_bot.settings import DiscordSettings
from discord_bot.addressing import mentions_me, replied_to

_FENCED = re.compile(r"```.*?(?:```|$)", re.S)
_RAW_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>")


def thread_id_for(channel_id: int) -> str:
    """The graph thread of a channel, Discord thread or DM: one memory each."""
    return f"discord:{channel_id}"


def profile_for(
    discord_settings: DiscordSettings, channel_id: int, parent_id: int | None = None
) -> str | None:
    """The channel's prompt profile; a Discord thread inherits its parent channel's."""
    profiles = discord_settings.discord_channel_profiles
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
    outside: bool = False  # addressed to the bot outside the channels it answers in
    forum_post: bool = False  # the opening message of a forum post (its title is the question's)


def _parent_id(channel: object) -> int | None:
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def _replies_to(message: discord.Message, me: discord.abc.User) -> bool:
    target = replied_to(message)
    return target is not None and target.author.id == me.id


def route_message(
    message: discord.Message, me: discord.abc.User, discord_settings: DiscordSettings
) -> Route | None:
    """The route for a message the bot should answer, or None to stay quiet.

    A mention or a reply outside the answered channels gets a route with `outside` set when
    DISCORD_ANSWER_MENTIONS_IN=allowed: the runtime points to where the bot answers instead.
    """
    if message.author.bot or message.author.id == me.id:
        return None
    channel = message.channel
    if isinstance(channel, discord.DMChannel):
        if not discord_settings.discord_allow_dms:
            return None
        return Route(
            channel.id, thread_id_for(channel.id), profile_for(discord_settings, channel.id)
        )
    parent_id = _parent_id(channel)
    forum_ids = set(discord_settings.discord_forum_channel_ids)
    if parent_id in forum_ids and message.id == channel.id:  # a new forum post: answer it there
        profile = profile_for(discord_settings, channel.id, parent_id)
        return Route(channel.id, thread_id_for(channel.id), profile, forum_post=True)
    watched = discord_settings.answer_channel_ids
    monitored = channel.id in watched or parent_id in watched or parent_id in forum_ids
    if not (monitored or mentions_me(message, me) or _replies_to(message, me)):
        return None
    profile = profile_for(discord_settings, channel.id, parent_id)
    restricted = discord_settings.discord_answer_mentions_in == "allowed" and (watched or forum_ids)
    if not monitored and restricted:
        return Route(channel.id, thread_id_for(channel.id), profile, outside=True)
    open_thread = (
        discord_settings.discord_thread_mode and channel.id in watched and parent_id is None
    )
    return Route(channel.id, thread_id_for(channel.id), profile, open_thread)


def thread_title(question: str, limit: int = 100) -> str:
    """A readable title from a question or a model's title: code blocks, backticks and raw
    mentions removed, whitespace collapsed, trimmed on a word to Discord's 100 characters."""
    text = _RAW_MENTION.sub("", _FENCED.sub(" ", question)).replace("`", "")
    words = " ".join(text.split()).strip(" -:")
    if len(words) <= limit:
        return words or "Question"
    cut = words[: limit - 1].rsplit(" ", 1)[0] if " " in words[: limit - 1] else words[: limit - 1]
    return cut + "…"
