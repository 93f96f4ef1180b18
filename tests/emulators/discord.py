"""A local Discord for tests: the real discord.py client connects to it over the wire.

A guild with text and forum channels, members and roles (`add_guild` adds more; every member
belongs to every guild); a gateway WebSocket (see `discord_gateway`: one session per shard, each
guild's events on its own shard) and the REST routes the bot uses (see `discord_rest`).
discord.py is pointed here through its own configurable endpoints — `discord.http.Route.BASE`
for REST and `DiscordWebSocket.DEFAULT_GATEWAY` for the gateway (a plain `discord.Client`
connects there directly; `AutoShardedClient` with no shard count asks `GET /gateway/bot`, which
answers the same URL and `recommended_shards`) — and both are restored by `stop()`.

Tests act as users (`send_user_message`, `add_reaction`, `invoke_slash`, `create_forum_post`),
break things (`drop_connection`, `rate_limit_next`), and observe through `wait_for(predicate)`,
which wakes on every state change: no sleeping to synchronise.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.emulators import discord_payloads as p
from tests.emulators.discord_gateway import Gateway, GatewaySession
from tests.emulators.discord_rest import (
    TOKEN_LIFETIME_S,
    InjectedRateLimit,
    RecordedRequest,
    RestApi,
)

Payload = dict[str, Any]


@dataclass
class EmulatedGuild:
    id: int
    name: str
    roles: list[Payload]


@dataclass
class EmulatedInteraction:
    """A slash command a test invoked, and how the bot responded to it."""

    id: int
    token: str
    channel_id: int
    invoked_at: float
    acknowledged_at: float | None = None
    response_type: int | None = None
    original_id: int | None = None
    follow_up_ids: list[int] = field(default_factory=list)

    @property
    def expired(self) -> bool:
        """Past the token's lifetime: follow-ups and their edits are refused."""
        return time.monotonic() - self.invoked_at > TOKEN_LIFETIME_S


class DiscordEmulator:
    """Discord's gateway and REST API on 127.0.0.1, with one guild to start with."""

    def __init__(self) -> None:
        self.application_id = p.snowflake()
        self.owner_id = p.snowflake()
        self.bot_user = p.user(self.application_id, "community-bot", bot=True)
        self.guilds: dict[int, EmulatedGuild] = {}
        self.guild_id = self.add_guild("Emulated Community")  # where channels go by default
        self.moderator_role_id = p.snowflake()
        self.guilds[self.guild_id].roles.append(
            p.role(self.moderator_role_id, "moderators", p.MEMBER_PERMISSIONS, 1)
        )
        self.recommended_shards = 1  # what GET /gateway/bot tells a client without a count
        self.channels: dict[int, Payload] = {}
        self.members: dict[int, Payload] = {}
        self.users: dict[int, Payload] = {}
        self.messages: dict[int, Payload] = {}  # insertion order is creation order
        self.interactions: dict[str, EmulatedInteraction] = {}
        self.commands: list[Payload] = []
        self.renames: dict[int, list[str]] = {}  # channel id → names given by PATCH
        self.bot_reactions: dict[int, set[str]] = {}  # message id → the bot's reactions on it
        self.attachments: dict[str, bytes] = {}  # URL path → file content
        self._add_member(self.bot_user, [])
        self._changed = asyncio.Event()
        self.gateway = Gateway(self._ready_payloads, self.changed)
        self.rest = RestApi(self)
        self._runner: web.AppRunner | None = None
        self._saved_endpoints: tuple[str, yarl.URL] | None = None
        self.port = 0

    # --- world set-up (before the bot connects) --------------------------------------

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> int:
        """A guild the bot is in; `shard=(id, count)` picks an id on that shard of `count`."""
        guild_id = p.snowflake_on_shard(*shard) if shard else p.snowflake()
        everyone = p.role(guild_id, "@everyone", p.MEMBER_PERMISSIONS, 0)
        self.guilds[guild_id] = EmulatedGuild(guild_id, name, [everyone])
        return guild_id

    def add_text_channel(self, name: str, *, guild_id: int | None = None) -> int:
        return self._add_channel(name, p.TEXT, guild_id or self.guild_id)

    def add_forum_channel(self, name: str, *, guild_id: int | None = None) -> int:
        return self._add_channel(name, p.FORUM, guild_id or self.guild_id)

    def _add_channel(self, name: str, kind: int, guild_id: int) -> int:
        channel_id = p.snowflake()
        position = sum(c.get("guild_id") == str(guild_id) for c in self.channels.values())
        self.channels[channel_id] = p.channel(channel_id, guild_id, name, kind, position)
        return channel_id

    def add_dm_channel(self, user_id: int) -> int:
        """A direct-message channel between the bot and a member (outside the guild)."""
        channel_id = p.snowflake()
        self.channels[channel_id] = {
            "id": str(channel_id),
            "type": p.DM,
            "last_message_id": None,
            "recipients": [self.users[user_id]],
        }
        return channel_id

    def add_member(self, name: str, *, roles: Iterable[int] = (), bot: bool = False) -> int:
        user_id = p.snowflake()
        self._add_member(p.user(user_id, name, bot=bot), list(roles))
        return user_id

    def _add_member(self, user: Payload, roles: list[int]) -> None:
        self.users[int(user["id"])] = user
        self.members[int(user["id"])] = p.member(user, roles)

    # --- lifecycle -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        """Serve on a free port and point discord.py's endpoints here."""
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{id}/{name}", self._serve_attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._saved_endpoints = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = self.base_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        data = self.attachments.get(request.path)
        return web.Response(body=data) if data is not None else web.Response(status=404)

    async def stop(self) -> None:
        if self._saved_endpoints is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved_endpoints
            self._saved_endpoints = None
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- observing -------------------------------------------------------------------

    def changed(self) -> None:
        """Wake every `wait_for`; called on each request, message and gateway change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[], Any], within: float = 10.0, what: str = ""
    ) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every change); return its value."""
        try:
            async with asyncio.timeout(within):
                while not (result := predicate()):
                    await self._changed.wait()
                return result
        except TimeoutError:
            tail = "\n".join(f"  {r.method} {r.path} -> {r.status}" for r in self.requests[-15:])
            raise AssertionError(
                f"timed out after {within} s waiting for {what or predicate}\n"
                f"last requests:\n{tail}"
            ) from None

    async def wait_until_connected(self, within: float = 10.0) -> None:
        await self.wait_for(lambda: self.gateway.connected, within, "the bot to connect")

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.rest.requests

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        pattern = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    def message_writes(self) -> list[RecordedRequest]:
        """Every create or edit of a message (channel or interaction follow-up)."""
        writes = r"^/channels/\d+/messages(/\d+)?$|^/webhooks/\d+/[^/]+(/messages/.+)?$"
        return [
            r
            for r in self.requests
            if r.method in {"POST", "PATCH"} and re.search(writes, r.path) and r.status < 300
        ]

    def bot_messages(self, channel_id: int) -> list[Payload]:
        """The bot's current messages in a channel, oldest first."""
        return [
            m
            for m in self.messages.values()
            if m["channel_id"] == str(channel_id) and m["author"]["id"] == self.bot_user["id"]
        ]

    def bot_texts(self, channel_id: int) -> list[str]:
        return [m["content"] for m in self.bot_messages(channel_id)]

    def edits_of(self, message_id: int) -> list[RecordedRequest]:
        return self.requests_to("PATCH", rf"/messages/{message_id}$")

    def threads_of(self, parent_id: int) -> list[Payload]:
        return [c for c in self.channels.values() if c.get("parent_id") == str(parent_id)]

    # --- acting as users -------------------------------------------------------------

    async def send_user_message(
        self,
        channel_id: int,
        author_id: int,
        content: str,
        *,
        mentions: Iterable[int] = (),
        reply_to: int | None = None,
        attachments: Iterable[tuple[str, bytes]] = (),
        deliver: bool = True,
    ) -> int:
        """A member posts a message; returns its id. Mentions of members are those listed in
        `mentions`, of roles those written `<@&id>`; `attachments` are (file name, content).
        With `deliver=False` it is only stored (sent while the bot's session is gone)."""
        reference = self.messages[reply_to] if reply_to is not None else None
        author = self.users[author_id]
        data = self.store_message(channel_id, author, content, reference)
        data["mentions"] = [
            {**self.users[u], "member": p.member(self.users[u], [], with_user=False)}
            for u in mentions
        ]
        data["mention_roles"] = re.findall(r"<@&(\d+)>", content)
        data["mention_everyone"] = "@everyone" in content or "@here" in content
        data["attachments"] = [self._attachment(name, body) for name, body in attachments]
        if deliver:
            await self.dispatch("MESSAGE_CREATE", data)
        return int(data["id"])

    def _attachment(self, name: str, body: bytes) -> Payload:
        attachment_id = p.snowflake()
        path = f"/attachments/{attachment_id}/{name}"
        self.attachments[path] = body
        kind = "text/plain; charset=utf-8" if name.endswith((".txt", ".log")) else None
        url = f"http://127.0.0.1:{self.port}{path}"
        data: Payload = {
            "id": str(attachment_id),
            "filename": name,
            "size": len(body),
            "url": url,
            "proxy_url": url,
        }
        if kind is not None or name.endswith(".png"):
            data["content_type"] = kind or "image/png"
        return data

    async def edit_user_message(self, message_id: int, content: str) -> None:
        """The author edits their message: MESSAGE_UPDATE with the whole new message."""
        data = self.messages[message_id]
        data["content"] = content
        data["edited_timestamp"] = p.now_iso()
        await self.dispatch("MESSAGE_UPDATE", dict(data))

    async def delete_user_message(self, message_id: int) -> None:
        data = self.messages.pop(message_id)
        event = {"id": data["id"], "channel_id": data["channel_id"]}
        if "guild_id" in data:
            event["guild_id"] = data["guild_id"]
        await self.dispatch("MESSAGE_DELETE", event)

    async def create_forum_post(self, forum_id: int, author_id: int, title: str, body: str) -> int:
        """A member opens a forum post: THREAD_CREATE, then its opening message (same id)."""
        thread_id = p.snowflake()
        thread = self.store_thread(thread_id, forum_id, author_id, title)
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        starter = p.message(
            thread_id, thread_id, self.guild_of(forum_id), self.users[author_id], body,
            author_member=p.member(self.users[author_id], [], with_user=False),
        )  # fmt: skip
        self.messages[thread_id] = starter
        await self.dispatch("MESSAGE_CREATE", starter)
        return thread_id

    async def add_reaction(
        self, channel_id: int, message_id: int, user_id: int, emoji: str
    ) -> None:
        data = self._reaction(channel_id, message_id, user_id, emoji)
        data["message_author_id"] = self.messages[message_id]["author"]["id"]
        if "guild_id" in data:
            data["member"] = self.members[user_id]
        await self.dispatch("MESSAGE_REACTION_ADD", data)

    async def remove_reaction(
        self, channel_id: int, message_id: int, user_id: int, emoji: str
    ) -> None:
        """A member takes their reaction back (Discord sends no member object here)."""
        data = self._reaction(channel_id, message_id, user_id, emoji)
        await self.dispatch("MESSAGE_REACTION_REMOVE", data)

    def _reaction(self, channel_id: int, message_id: int, user_id: int, emoji: str) -> Payload:
        """The fields a reaction event always carries (and its guild, in a server)."""
        data: Payload = {
            "user_id": str(user_id),
            "channel_id": str(channel_id),
            "message_id": str(message_id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        if (guild_id := self.guild_of(channel_id)) is not None:
            data["guild_id"] = str(guild_id)
        return data

    async def invoke_slash(
        self,
        name: str,
        options: dict[str, str] | None = None,
        *,
        channel_id: int,
        user_id: int,
        member_permissions: int = p.MEMBER_PERMISSIONS,
    ) -> EmulatedInteraction:
        """A member runs `/name`; `member_permissions` are their permissions in the channel."""
        interaction = EmulatedInteraction(
            p.snowflake(), uuid.uuid4().hex, channel_id, time.monotonic()
        )
        self.interactions[interaction.token] = interaction
        command = next((c for c in self.commands if c["name"] == name), None)
        data: Payload = {
            "id": command["id"] if command else str(p.snowflake()),
            "name": name,
            "type": 1,
            "options": [
                {"name": key, "type": 3, "value": value} for key, value in (options or {}).items()
            ],
        }
        member = {**self.members[user_id], "permissions": str(member_permissions)}
        guild_id = self.guild_of(channel_id)
        await self.dispatch(
            "INTERACTION_CREATE",
            {
                "id": str(interaction.id),
                "application_id": str(self.application_id),
                "type": 2,
                "data": data,
                "guild_id": str(guild_id),
                "channel_id": str(channel_id),
                "channel": self.channels[channel_id],
                "member": member,
                "token": interaction.token,
                "version": 1,
                "app_permissions": str(p.BOT_PERMISSIONS),
                "locale": "en-US",
                "guild_locale": "en-US",
                "entitlements": [],
                "authorizing_integration_owners": {"0": str(guild_id)},
                "context": 0,
                "attachment_size_limit": 26214400,
            },
        )
        return interaction

    # --- failures on demand ----------------------------------------------------------

    async def drop_connection(self) -> None:
        """Close the gateway socket (code 4000); the client should RESUME and get a replay."""
        await self.gateway.drop()

    def rate_limit_next(
        self, method: str, path_pattern: str, *, count: int = 1, retry_after: float = 0.05
    ) -> InjectedRateLimit:
        """Answer the next `count` matching requests with 429 and `retry_after`."""
        limit = InjectedRateLimit(method, re.compile(path_pattern), count, retry_after)
        self.rest.rate_limits.append(limit)
        return limit

    # --- state used by the server side -----------------------------------------------

    def channel_exists(self, channel_id: int) -> bool:
        return channel_id in self.channels

    def guild_of(self, channel_id: int) -> int | None:
        """The guild a channel or thread is in; None for a DM."""
        guild_id = self.channels[channel_id].get("guild_id")
        return int(guild_id) if guild_id else None

    def store_message(
        self, channel_id: int, author: Payload, content: str, reference: Payload | None = None
    ) -> Payload:
        guild_id = self.guild_of(channel_id)
        member = None if guild_id is None else self.members.get(int(author["id"]))
        data = p.message(
            p.snowflake(),
            channel_id,
            guild_id,
            author,
            content,
            author_member={k: v for k, v in member.items() if k != "user"} if member else None,
            reference=reference,
        )
        self.messages[int(data["id"])] = data
        self.changed()
        return data

    def store_thread(self, thread_id: int, parent_id: int, owner_id: int, name: str) -> Payload:
        guild_id = int(self.channels[parent_id]["guild_id"])  # threads live in guild channels
        data = p.thread(thread_id, guild_id, parent_id, owner_id, name)
        self.channels[thread_id] = data
        self.changed()
        return data

    async def dispatch(self, event: str, data: Payload) -> None:
        await self.gateway.dispatch(event, data)
        self.changed()

    def _ready_payloads(self, session: GatewaySession) -> list[tuple[str, Payload]]:
        """READY listing the session's shard of the guilds, then a GUILD_CREATE for each."""
        guilds = [guild for guild in self.guilds.values() if session.receives(guild.id)]
        ready = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        payloads: list[tuple[str, Payload]] = [("READY", ready)]
        members = list(self.members.values())
        for guild in guilds:
            inside = [c for c in self.channels.values() if c.get("guild_id") == str(guild.id)]
            channels = [c for c in inside if c["type"] in (p.TEXT, p.FORUM)]
            threads = [c for c in inside if c["type"] == p.PUBLIC_THREAD]
            payload = p.guild(
                guild.id, guild.name, self.owner_id, guild.roles, channels, threads, members
            )
            payloads.append(("GUILD_CREATE", payload))
        return payloads
