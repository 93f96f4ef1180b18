"""The emulator's REST API under `/api/v10`: the routes discord.py calls for this bot.

Every request is recorded (method, path, JSON body — `allowed_mentions` included — and time)
before it is answered. Injected rate limits answer 429 with `retry_after` and the
`X-RateLimit-*` headers, exactly the shape discord.py's rate limiter handles.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.emulators import discord_payloads as p

if TYPE_CHECKING:
    from tests.emulators.discord import DiscordEmulator

Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[web.Response]]


@dataclass(frozen=True)
class RecordedRequest:
    """One REST call as the emulator received it."""

    method: str
    path: str  # below /api/v10, e.g. /channels/123/messages
    query: dict[str, str]
    body: Any  # parsed JSON, or None
    at: float  # time.monotonic()
    status: int

    @property
    def allowed_mentions(self) -> Any:
        return self.body.get("allowed_mentions") if isinstance(self.body, dict) else None


@dataclass
class InjectedRateLimit:
    method: str
    path: re.Pattern[str]
    remaining: int
    retry_after: float
    is_global: bool = False
    hits: list[float] = field(default_factory=list)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py compares the header verbatim (no charset).
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def error(status: int, code: int, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status)


NO_CONTENT = 204
TOKEN_LIFETIME_S = 15 * 60  # an interaction token allows follow-ups this long
GLOBAL_LIMIT_PER_SECOND = 50  # Discord's per-bot limit, interaction endpoints excepted
_EXEMPT = ("/interactions/", "/webhooks/")


def counts_globally(path: str) -> bool:
    """Whether a request counts against the global limit (interaction endpoints do not)."""
    return not path.startswith(_EXEMPT)


class RestApi:
    """Routes REST calls to handlers that act on the emulator's state."""

    def __init__(self, emulator: DiscordEmulator) -> None:
        self.emu = emulator
        self.requests: list[RecordedRequest] = []
        self.rate_limits: list[InjectedRateLimit] = []
        self.global_limit = GLOBAL_LIMIT_PER_SECOND  # None: not enforced
        self.global_429s = 0
        self._recent: deque[float] = deque()  # arrival times within the last second
        app_id = r"(?P<app>\d+)"
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/users/@me"), self.get_me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self.get_application),
            ("GET", re.compile(r"/gateway(/bot)?"), self.get_gateway),
            ("PUT", re.compile(rf"/applications/{app_id}(/guilds/\d+)?/commands"), self.sync),
            ("POST", re.compile(r"/channels/(?P<ch>\d+)/messages"), self.create_message),
            ("GET", re.compile(r"/channels/(?P<ch>\d+)/messages"), self.history),
            ("PATCH", re.compile(r"/channels/(?P<ch>\d+)"), self.edit_channel),
            (
                "PUT",
                re.compile(
                    r"/channels/(?P<ch>\d+)/messages/(?P<msg>\d+)/reactions/(?P<e>[^/]+)/@me"
                ),
                self.react,
            ),
            (
                "DELETE",
                re.compile(
                    r"/channels/(?P<ch>\d+)/messages/(?P<msg>\d+)/reactions/(?P<e>[^/]+)/@me"
                ),
                self.unreact,
            ),
            ("GET", re.compile(r"/channels/(?P<ch>\d+)/messages/(?P<msg>\d+)"), self.get_message),
            (
                "PATCH",
                re.compile(r"/channels/(?P<ch>\d+)/messages/(?P<msg>\d+)"),
                self.edit_message,
            ),
            ("DELETE", re.compile(r"/channels/(?P<ch>\d+)/messages/(?P<msg>\d+)"), self.delete),
            ("POST", re.compile(r"/channels/(?P<ch>\d+)/typing"), self.typing),
            (
                "POST",
                re.compile(r"/channels/(?P<ch>\d+)/messages/(?P<msg>\d+)/threads"),
                self.start_thread,
            ),
            (
                "POST",
                re.compile(r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback"),
                self.callback,
            ),
            ("POST", re.compile(rf"/webhooks/{app_id}/(?P<token>[^/]+)"), self.follow_up),
            (
                "PATCH",
                re.compile(rf"/webhooks/{app_id}/(?P<token>[^/]+)/messages/(?P<msg>@original|\d+)"),
                self.edit_follow_up,
            ),
            (
                "GET",
                re.compile(rf"/webhooks/{app_id}/(?P<token>[^/]+)/messages/(?P<msg>@original|\d+)"),
                self.get_follow_up,
            ),
            (
                "DELETE",
                re.compile(rf"/webhooks/{app_id}/(?P<token>[^/]+)/messages/(?P<msg>@original|\d+)"),
                self.delete_follow_up,
            ),
        ]

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body = json.loads(raw) if raw and request.content_type == "application/json" else None
        response = self._over_global_limit(path) or self._rate_limited(request.method, path)
        if response is None:
            response = await self._route(request, path, body)
        self.requests.append(
            RecordedRequest(
                request.method, path, dict(request.query), body, time.monotonic(), response.status
            )
        )
        self.emu.changed()
        return response

    async def _route(self, request: web.Request, path: str, body: Any) -> web.Response:
        for method, pattern, handler in self._routes:
            if method == request.method and (match := pattern.fullmatch(path)):
                return await handler(request, match.groupdict(), body)
        return error(404, 0, f"404: Not Found ({request.method} {path} is not emulated)")

    def _over_global_limit(self, path: str) -> web.Response | None:
        """Discord's global limit: more than `global_limit` requests in a second earn a 429."""
        if self.global_limit is None or not counts_globally(path):
            return None
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) < self.global_limit:
            self._recent.append(now)
            return None
        self.global_429s += 1
        retry_after = max(0.001, self._recent[0] + 1.0 - now)
        headers = {
            "Via": "1.1 google",
            "X-RateLimit-Global": "true",
            "X-RateLimit-Scope": "global",
            "Retry-After": str(max(1, round(retry_after))),
        }
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": True,
        }
        return json_response(body, 429, headers)

    def peak_per_second(self, since: float = 0.0) -> int:
        """The most requests counting globally that arrived within any one second."""
        times = [r.at for r in self.requests if r.at >= since and counts_globally(r.path)]
        peak, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
        return peak

    def _rate_limited(self, method: str, path: str) -> web.Response | None:
        for limit in self.rate_limits:
            if limit.remaining > 0 and limit.method == method and limit.path.search(path):
                limit.remaining -= 1
                limit.hits.append(time.monotonic())
                headers = {
                    "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{time.time() + limit.retry_after:.3f}",
                    "X-RateLimit-Reset-After": f"{limit.retry_after:.3f}",
                    "X-RateLimit-Bucket": "emulated-bucket",
                    "X-RateLimit-Scope": "global" if limit.is_global else "user",
                    "Retry-After": str(max(1, round(limit.retry_after))),
                }
                if limit.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": limit.retry_after,
                    "global": limit.is_global,
                }
                return json_response(body, 429, headers)
        return None

    # --- session ---------------------------------------------------------------------

    async def get_me(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        return json_response(self.emu.bot_user)

    async def get_application(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        return json_response(
            {
                "id": str(self.emu.application_id),
                "name": "community-bot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": p.user(self.emu.owner_id, "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "summary": "",
                "rpc_origins": [],
            }
        )

    async def get_gateway(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {
                "url": self.emu.gateway_url,
                "shards": self.emu.recommended_shards,
                "session_start_limit": limit,
            }
        )

    async def sync(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        commands = [
            {
                **command,
                "id": str(p.snowflake()),
                "application_id": m["app"],
                "version": str(p.snowflake()),
                "default_member_permissions": command.get("default_member_permissions"),
                "dm_permission": command.get("dm_permission", True),
                "nsfw": command.get("nsfw", False),
                "type": command.get("type", 1),
                "description": command.get("description", ""),
                "options": command.get("options", []),
            }
            for command in body
        ]
        self.emu.commands = commands
        return json_response(commands)

    # --- messages --------------------------------------------------------------------

    @staticmethod
    def _invalid_content(body: Any) -> web.Response | None:
        content = (body or {}).get("content") or ""
        if len(content) > 2000:
            return error(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length.")
        if not content.strip() and not (body or {}).get("embeds"):
            return error(400, 50006, "Cannot send an empty message")
        return None

    async def create_message(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        channel_id = int(m["ch"])
        if not self.emu.channel_exists(channel_id):
            return error(404, 10003, "Unknown Channel")
        if invalid := self._invalid_content(body):
            return invalid
        reference = None
        if ref := body.get("message_reference"):
            reference = self.emu.messages.get(int(ref["message_id"]))
        data = self.emu.store_message(channel_id, self.emu.bot_user, body["content"], reference)
        await self.emu.dispatch("MESSAGE_CREATE", data)
        return json_response(data)

    async def history(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        """A channel's messages, newest first, as Discord answers (`after`, `before`, `limit`)."""
        after = int(request.query.get("after", 0))
        before = int(request.query.get("before", 0)) or None
        limit = int(request.query.get("limit", 50))
        found = sorted(
            (
                message
                for message in self.emu.messages.values()
                if message["channel_id"] == m["ch"]
                and int(message["id"]) > after
                and (before is None or int(message["id"]) < before)
            ),
            key=lambda message: int(message["id"]),
        )
        chosen = found[:limit] if "after" in request.query else found[-limit:]
        return json_response(list(reversed(chosen)))

    async def edit_channel(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        channel = self.emu.channels.get(int(m["ch"]))
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        if "name" in body:
            if not 1 <= len(body["name"]) <= 100:
                return error(400, 50035, "Invalid Form Body: name must be 1-100 characters.")
            channel["name"] = body["name"]
            self.emu.renames.setdefault(int(m["ch"]), []).append(body["name"])
        await self.emu.dispatch("THREAD_UPDATE", channel)
        return json_response(channel)

    async def react(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        message = self.emu.messages.get(int(m["msg"]))
        if message is None:
            return error(404, 10008, "Unknown Message")
        self.emu.bot_reactions.setdefault(int(m["msg"]), set()).add(m["e"])
        return web.Response(status=NO_CONTENT)

    async def unreact(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        self.emu.bot_reactions.get(int(m["msg"]), set()).discard(m["e"])
        return web.Response(status=NO_CONTENT)

    async def get_message(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        data = self.emu.messages.get(int(m["msg"]))
        if data is None or data["channel_id"] != m["ch"]:
            return error(404, 10008, "Unknown Message")
        return json_response(data)

    async def edit_message(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        data = self.emu.messages.get(int(m["msg"]))
        if data is None or data["channel_id"] != m["ch"]:
            return error(404, 10008, "Unknown Message")
        if data["author"]["id"] != self.emu.bot_user["id"]:
            return error(403, 50005, "Cannot edit a message authored by another user")
        if "content" in body and (invalid := self._invalid_content(body)):
            return invalid
        data["content"] = body.get("content", data["content"])
        data["edited_timestamp"] = p.now_iso()
        return json_response(data)

    async def delete(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        if self.emu.messages.pop(int(m["msg"]), None) is None:
            return error(404, 10008, "Unknown Message")
        return web.Response(status=NO_CONTENT)

    async def typing(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        return web.Response(status=NO_CONTENT)

    async def start_thread(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        message_id = int(m["msg"])
        if message_id not in self.emu.messages:
            return error(404, 10008, "Unknown Message")
        name = body.get("name", "")
        if not 1 <= len(name) <= 100:
            return error(400, 50035, "Invalid Form Body: name must be 1-100 characters.")
        # A thread started from a message takes the message's id.
        data = self.emu.store_thread(message_id, int(m["ch"]), int(self.emu.bot_user["id"]), name)
        await self.emu.dispatch("THREAD_CREATE", {**data, "newly_created": True})
        return json_response(data, 201)

    # --- interactions ----------------------------------------------------------------

    async def callback(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        interaction = self.emu.interactions.get(m["token"])
        if interaction is None or str(interaction.id) != m["id"]:
            return error(404, 10062, "Unknown interaction")
        if interaction.acknowledged_at is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - interaction.invoked_at > 3.0:
            return error(404, 10062, "Unknown interaction")  # Discord's 3-second window
        interaction.acknowledged_at = time.monotonic()
        interaction.response_type = body["type"]
        inner = body.get("data") or {}
        flags = inner.get("flags", 0) or 0
        deferred = body["type"] == 5
        content = "" if deferred else inner.get("content", "")
        original = self.emu.store_message(interaction.channel_id, self.emu.bot_user, content)
        original["flags"] = flags | (128 if deferred else 0)  # 128: "is thinking…"
        original["interaction_token"] = interaction.token
        interaction.original_id = int(original["id"])
        self.emu.changed()
        return json_response(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": 2,
                    "response_message_id": original["id"],
                    "response_message_loading": deferred,
                    "response_message_ephemeral": bool(flags & 64),
                },
                "resource": {"type": body["type"], "message": original},
            }
        )

    async def follow_up(self, request: web.Request, m: dict[str, str], body: Any) -> web.Response:
        interaction = self.emu.interactions.get(m["token"])
        if interaction is None or interaction.acknowledged_at is None:
            return error(404, 10015, "Unknown Webhook")
        if interaction.expired:
            return error(401, 50027, "Invalid Webhook Token")
        if invalid := self._invalid_content(body):
            return invalid
        original = self.emu.messages.get(interaction.original_id or 0)
        if original is not None and original["flags"] & 128 and not interaction.follow_up_ids:
            # The first follow-up after a defer fills in the "thinking…" message.
            original["content"] = body["content"]
            original["flags"] &= ~128
            data = original
        else:
            data = self.emu.store_message(
                interaction.channel_id, self.emu.bot_user, body["content"]
            )
            data["flags"] = (body.get("flags") or 0) & 64
            data["interaction_token"] = interaction.token
        interaction.follow_up_ids.append(int(data["id"]))
        self.emu.changed()
        return json_response(data)

    def _webhook_message(self, m: dict[str, str]) -> dict[str, Any] | None:
        interaction = self.emu.interactions.get(m["token"])
        if interaction is None:
            return None
        message_id = interaction.original_id if m["msg"] == "@original" else int(m["msg"])
        data = self.emu.messages.get(message_id or 0)
        return data if data is not None and data.get("interaction_token") == m["token"] else None

    async def edit_follow_up(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        if (interaction := self.emu.interactions.get(m["token"])) and interaction.expired:
            return error(401, 50027, "Invalid Webhook Token")
        data = self._webhook_message(m)
        if data is None:
            return error(404, 10008, "Unknown Message")
        if "content" in body and (invalid := self._invalid_content(body)):
            return invalid
        data["content"] = body.get("content", data["content"])
        data["flags"] &= ~128
        data["edited_timestamp"] = p.now_iso()
        return json_response(data)

    async def get_follow_up(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        data = self._webhook_message(m)
        return json_response(data) if data else error(404, 10008, "Unknown Message")

    async def delete_follow_up(
        self, request: web.Request, m: dict[str, str], body: Any
    ) -> web.Response:
        data = self._webhook_message(m)
        if data is None:
            return error(404, 10008, "Unknown Message")
        self.emu.messages.pop(int(data["id"]))
        return web.Response(status=NO_CONTENT)
