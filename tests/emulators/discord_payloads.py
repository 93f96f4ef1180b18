"""JSON payloads shaped like Discord API v10 objects, for the Discord emulator.

Only the fields discord.py reads are filled in, with Discord's own spelling and types (ids are
strings, timestamps ISO 8601), so the real client parses them exactly as it would in production.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count()

Payload = dict[str, Any]

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
READ_MESSAGE_HISTORY = 1 << 16
ADD_REACTIONS = 1 << 6
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | ADD_REACTIONS | SEND_MESSAGES_IN_THREADS
)
BOT_PERMISSIONS = MEMBER_PERMISSIONS | CREATE_PUBLIC_THREADS | MANAGE_MESSAGES

TEXT, DM, PUBLIC_THREAD, FORUM = 0, 1, 11, 15


def snowflake() -> int:
    """A fresh id that, like Discord's, encodes its creation time (discord.py reads it)."""
    return _snowflake_at(int(time.time() * 1000) - DISCORD_EPOCH_MS)


def snowflake_on_shard(shard_id: int, shard_count: int) -> int:
    """A fresh guild id that Discord's sharding formula, `(id >> 22) % count`, puts on `shard_id`:
    the formula reads the creation time, so the id is dated up to `count - 1` ms earlier."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return _snowflake_at(ms - (ms - shard_id) % shard_count)


def _snowflake_at(ms: int) -> int:
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> Payload:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(user_payload: Payload, role_ids: list[int], *, with_user: bool = True) -> Payload:
    data: Payload = {
        "roles": [str(r) for r in role_ids],
        "nick": None,
        "avatar": None,
        "joined_at": now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_payload
    return data


def role(role_id: int, name: str, permissions: int, position: int) -> Payload:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def channel(channel_id: int, guild_id: int, name: str, kind: int, position: int) -> Payload:
    data: Payload = {
        "id": str(channel_id),
        "type": kind,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }
    if kind == FORUM:
        data |= {
            "available_tags": [],
            "default_reaction_emoji": None,
            "default_sort_order": None,
            "default_forum_layout": 0,
            "default_thread_rate_limit_per_user": 0,
        }
    return data


def thread(thread_id: int, guild_id: int, parent_id: int, owner_id: int, name: str) -> Payload:
    return {
        "id": str(thread_id),
        "type": PUBLIC_THREAD,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "applied_tags": [],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": now_iso(),
            "locked": False,
            "create_timestamp": now_iso(),
        },
    }


def message(
    message_id: int,
    channel_id: int,
    guild_id: int | None,
    author: Payload,
    content: str,
    *,
    author_member: Payload | None = None,
    mentions: list[Payload] | None = None,
    reference: Payload | None = None,
) -> Payload:
    data: Payload = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": 0,
        "components": [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if author_member is not None:
        data["member"] = author_member
    if reference is not None:
        data["message_reference"] = {
            "message_id": reference["id"],
            "channel_id": reference["channel_id"],
            **({"guild_id": str(guild_id)} if guild_id else {}),
        }
        data["referenced_message"] = reference
    return data


def guild(
    guild_id: int,
    name: str,
    owner_id: int,
    roles: list[Payload],
    channels: list[Payload],
    threads: list[Payload],
    members: list[Payload],
) -> Payload:
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_progress_bar_enabled": False,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "preferred_locale": "en-US",
        "features": [],
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": threads,
        "members": members,
        "member_count": len(members),
        "large": False,
        "unavailable": False,
        "joined_at": now_iso(),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "application_id": None,
        "max_members": 500000,
    }
