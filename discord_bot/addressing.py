"""Who a message is for, in readable words: mentions resolved, chit-chat told from questions.

Discord writes mentions as `<@123>`, `<@&456>` and `<#789>`; searched or shown like that they are
noise, and in a thread title they are unreadable. `clean_text` resolves them to `@name`,
`@role` and `#channel` (discord.py's `clean_content` idea) after removing the bot's own mention.
"""

from __future__ import annotations

import re

import discord

from community_bot.routing import signals

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_EMOJI = re.compile(r"<a?(:\w+:)\d+>")
_LEADING_MENTION = re.compile(r"^\s*<@!?(\d+)>")
# Signals that say nothing about being a question (length, small talk).
_NOT_QUESTION_SIGNALS = frozenset({signals.SOCIAL, signals.LONG, signals.VERY_LONG})


def clean_text(message: discord.Message, me: discord.abc.User) -> str:
    """The message text without the bot's mention, other mentions in readable form."""
    text = re.sub(rf"<@!?{me.id}>", "", message.content)
    guild = message.guild
    users = {user.id: user for user in message.mentions}

    def user(match: re.Match[str]) -> str:
        user_id = int(match[1])
        found = users.get(user_id) or (guild.get_member(user_id) if guild else None)
        return f"@{found.display_name}" if found else "@someone"

    def role(match: re.Match[str]) -> str:
        found = guild.get_role(int(match[1])) if guild else None
        return f"@{found.name}" if found else "@role"

    def channel(match: re.Match[str]) -> str:
        found = guild.get_channel_or_thread(int(match[1])) if guild else None
        return f"#{found.name}" if found else "#channel"

    text = _USER.sub(user, text)
    text = _ROLE.sub(role, text)
    text = _CHANNEL.sub(channel, text)
    text = _EMOJI.sub(r"\1", text)
    return text.strip()


def mentions_me(message: discord.Message, me: discord.abc.User) -> bool:
    return any(user.id == me.id for user in message.mentions)


def replied_to(message: discord.Message) -> discord.Message | None:
    """The message this one replies to, when Discord sent it along (or it is cached)."""
    reference = message.reference
    if reference is None:
        return None
    resolved = reference.resolved or reference.cached_message
    return resolved if isinstance(resolved, discord.Message) else None


def addressed_to_another(message: discord.Message, me: discord.abc.User) -> bool:
    """Written to another member: it opens with their mention, or replies to their message,
    and does not mention the bot."""
    if mentions_me(message, me):
        return False
    if (lead := _LEADING_MENTION.match(message.content)) and int(lead[1]) != me.id:
        return True
    target = replied_to(message)
    return target is not None and target.author.id not in (me.id, message.author.id)


def is_chit_chat(text: str, *, to_another: bool) -> bool:
    """Thanks, greetings, "lol"; or, addressed to another member, anything but a question."""
    reading = signals.read(text)
    if signals.SOCIAL in reading.signals:
        return True
    return to_another and not (reading.signals - _NOT_QUESTION_SIGNALS)
