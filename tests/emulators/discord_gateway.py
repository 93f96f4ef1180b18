"""The emulator's gateway: resumable sessions, one per shard, over plain-text WebSockets.

Implements what discord.py's `DiscordWebSocket` speaks: HELLO, heartbeats and ACKs, IDENTIFY →
READY (+ GUILD_CREATE), RESUME with replay of the events missed while disconnected, and DISPATCH
with sequence numbers. Frames are uncompressed JSON text, which discord.py accepts even when it
asked for zlib (it only decompresses binary frames).

Sharding as Discord does it: IDENTIFY may carry `shard: [id, count]` (without it, `[0, 1]`);
a guild's events reach only the session of shard `(guild_id >> 22) % count`, and events outside
any guild (direct messages) only shard 0's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

HEARTBEAT_INTERVAL_MS = 41_250
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 9, 10, 11


@dataclass
class GatewaySession:
    """An identified session: every dispatched frame is kept so a RESUME can replay it."""

    session_id: str
    identify: dict[str, Any]
    seq: int = 0
    frames: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None
    live: bool = False  # identified or resumed, on an open socket

    @property
    def shard(self) -> tuple[int, int]:
        """(shard id, shard count) as the client identified."""
        shard_id, count = self.identify.get("shard") or (0, 1)
        return int(shard_id), int(count)

    def receives(self, guild_id: int | None) -> bool:
        """Discord's routing: a guild's events go to one shard, the rest to shard 0."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)


def guild_of(data: dict[str, Any]) -> int | None:
    return int(data["guild_id"]) if data.get("guild_id") else None


class Gateway:
    """Serves `/gateway`; `ready_payloads(session)` gives the READY and GUILD_CREATE payloads."""

    def __init__(
        self,
        ready_payloads: Callable[[GatewaySession], list[tuple[str, dict[str, Any]]]],
        changed: Callable[[], None],
    ) -> None:
        self._ready_payloads = ready_payloads
        self._changed = changed
        self._lock = asyncio.Lock()
        self.sessions: dict[int, GatewaySession] = {}  # by shard id
        self.identifies = 0
        self.resumes = 0
        self.refuse_resume = False  # as Discord does when a session expired: identify anew
        self.refused_resumes = 0
        self.heartbeats = 0

    @property
    def connected(self) -> bool:
        """Every session is live (with one client of one shard: that client is connected)."""
        return bool(self.sessions) and all(s.live for s in self.sessions.values())

    @property
    def live_shards(self) -> set[int]:
        return {shard_id for shard_id, s in self.sessions.items() if s.live}

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        await self._send(socket, {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for frame in socket:
                if frame.type is WSMsgType.TEXT:
                    await self._on_frame(socket, json.loads(frame.data))
        finally:
            for session in self.sessions.values():
                if session.socket is socket:
                    session.socket = None
                    session.live = False
                    self._changed()
        return socket

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the shard it belongs to; while that shard is disconnected it is kept
        for the RESUME replay."""
        async with self._lock:
            guild_id = guild_of(data)
            sessions = [s for s in self.sessions.values() if s.receives(guild_id)]
            if not sessions:
                raise RuntimeError(
                    f"no gateway session receives {event} of guild {guild_id}:"
                    " wait_until_connected() first"
                )
            for session in sessions:
                await self._deliver(session, event, data)

    async def drop(self) -> None:
        """Close the live sockets with a resumable code, as Discord does during maintenance."""
        async with self._lock:
            sockets = [s.socket for s in self.sessions.values() if s.socket is not None]
            for session in self.sessions.values():
                session.socket = None
                session.live = False
        for socket in sockets:
            await socket.close(code=4000, message=b"emulator dropped the connection")

    async def close(self) -> None:
        for session in self.sessions.values():
            if session.socket is not None:
                await session.socket.close(code=1001)

    async def _deliver(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.frames.append(frame)
        if session.socket is not None and not session.socket.closed:
            await self._send(session.socket, frame)

    async def _on_frame(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self._send(socket, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(socket, data)
        elif op == RESUME:
            await self._resume(socket, data)

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        async with self._lock:
            session = GatewaySession(uuid.uuid4().hex, data, socket=socket)
            shard_id, count = session.shard
            # Sessions of another shard count belong to an earlier way of splitting the bot.
            self.sessions = {k: s for k, s in self.sessions.items() if s.shard[1] == count}
            self.sessions[shard_id] = session
            for event, payload in self._ready_payloads(session):
                await self._deliver(session, event, payload)
            session.live = True
        self.identifies += 1
        self._changed()

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        async with self._lock:
            wanted = data.get("session_id")
            session = next((s for s in self.sessions.values() if s.session_id == wanted), None)
            if session is not None and self.refuse_resume:
                self.refuse_resume = False
                self.refused_resumes += 1
                session = None  # its missed events are lost, as with Discord
            if session is None:
                await self._send(socket, {"op": INVALID_SESSION, "d": False})
                return
            missed = [f for f in session.frames if f["s"] > (data.get("seq") or 0)]
            for frame in missed:
                await self._send(socket, frame)
            session.seq += 1
            await self._send(socket, {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}})
            session.socket = socket
            session.live = True
        self.resumes += 1
        self._changed()

    @staticmethod
    async def _send(socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        frame.setdefault("s", None)
        frame.setdefault("t", None)
        frame.setdefault("d", None)
        with contextlib.suppress(ConnectionError):  # gone: a RESUME replays what it missed
            await socket.send_str(json.dumps(frame))
