"""Build the Discord client from settings; `runtime.discord_run` connects and runs it.

`build_client` is the one place the client is put together; it never connects, so tests and
tools can drive the same client against any gateway (the test suite uses a local emulator).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket

from community_bot.settings import DiscordSettings
from discord_bot.backend import Backend
from discord_bot.budget import metered
from discord_bot.commands import build_tree
from discord_bot.outlets import NO_MENTIONS
from discord_bot.recovery import Recovery
from discord_bot.runtime import Runtime

log = logging.getLogger(__name__)


def intents_for(discord_settings: DiscordSettings) -> discord.Intents:
    """Only what the bot reads. Message Content is privileged: enable it in the developer portal."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.guild_reactions = True
    if discord_settings.discord_allow_dms:
        intents.dm_messages = True
        intents.dm_reactions = True
    return intents


class CommunityClient(discord.Client):
    """A `discord.Client` wired to the runtime; `close()` first lets queued answers finish."""

    def __init__(self, runtime: Runtime, **options: Any) -> None:
        super().__init__(**options)
        self.runtime = runtime

    async def setup_hook(self) -> None:
        await _setup(self, self.runtime)

    async def close(self) -> None:
        await self.runtime.stop()
        await super().close()


class ShardedCommunityClient(CommunityClient, discord.AutoShardedClient):
    """The same, sharded by discord.py for large servers (DISCORD_SHARDED, DISCORD_SHARD_COUNT,
    DISCORD_SHARD_IDS); the method order puts our hooks before AutoShardedClient's, which then
    does the sharding."""


async def _setup(client: discord.Client, runtime: Runtime) -> None:
    """Runs after login, before the gateway connects: publish the slash commands."""
    if runtime.discord.discord_sync_commands:
        tree = runtime.tree
        assert tree is not None
        synced = await tree.sync()
        log.info("synced %d slash commands", len(synced))


def use_endpoints(discord_settings: DiscordSettings) -> None:
    """Point this process's discord.py at DISCORD_API_URL / DISCORD_GATEWAY_URL when set (an
    HTTP proxy, a local emulator); discord.py keeps both as process-wide class attributes."""
    if discord_settings.discord_api_url:
        discord.http.Route.BASE = discord_settings.discord_api_url.rstrip("/")
    if discord_settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(discord_settings.discord_gateway_url)


def build_client(
    discord_settings: DiscordSettings, app: Backend, *, data_dir: Path, reply_limit: int
) -> discord.Client:
    """The configured, unconnected Discord client for `app`: the Discord settings, plus DATA_DIR
    (`data_dir`, for the questions in flight) and MAX_RESPONSE_CHARS (`reply_limit`).

    Intents: guilds, guild messages, message content, reactions (plus DMs when DISCORD_ALLOW_DMS).
    Mentions: `AllowedMentions.none()` as the client default, and passed again on every send and
    edit. `discord.AutoShardedClient` when DISCORD_SHARDED (or DISCORD_SHARD_COUNT), connecting
    the shards in DISCORD_SHARD_IDS of DISCORD_SHARD_COUNT when set (by default every shard of the
    count Discord recommends). The slash commands are registered on
    the client's command tree and synced with Discord in `setup_hook` (after login). Every REST
    request waits for a slot of one budget (DISCORD_MAX_REQUESTS_PER_SECOND; `discord_bot.budget`).
    On each READY the runtime settles questions a killed process left unanswered and reads back
    what was asked during an outage (`discord_bot.recovery`). Start it
    with `await client.start(token)`; `await client.close()` stops taking messages, lets
    in-flight answers finish for up to DISCORD_SHUTDOWN_GRACE_SECONDS, then disconnects. The app
    itself (its checkpointer) is the caller's to close, after the client.
    """
    runtime = Runtime(discord_settings, app, data_dir=data_dir, reply_limit=reply_limit)
    options: dict[str, Any] = {
        "intents": intents_for(discord_settings),
        "allowed_mentions": NO_MENTIONS,
    }
    client: discord.Client
    if discord_settings.discord_sharded:
        client = ShardedCommunityClient(
            runtime,
            shard_count=discord_settings.discord_shard_count,
            shard_ids=discord_settings.discord_shard_ids or None,
            **options,
        )
    else:
        client = CommunityClient(runtime, **options)
    # Every REST call of this client takes a slot of the process's request budget first.
    client.http.request = metered(runtime.budget, client.http.request)  # type: ignore[method-assign]
    runtime.bind(client)
    runtime.tree = build_tree(client, runtime)
    recovery = Recovery(runtime)

    async def on_ready() -> None:
        await recovery.on_ready()

    client.event(on_ready)
    client.event(runtime.on_message)
    client.event(runtime.on_raw_message_edit)
    client.event(runtime.on_raw_message_delete)
    client.event(runtime.on_raw_reaction_add)
    client.event(runtime.on_raw_reaction_remove)
    return client
