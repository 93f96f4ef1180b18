"""The emulator's gateway: one resumable session over a plain-text WebSocket.

Implements what discord.py's `DiscordWebSocket` speaks: HELLO, heartbeats and ACKs, IDENTIFY →
READY (+ GUILD_CREATE), RESUME with replay of the events missed while disconnected, and DISPATCH
with sequence numbers. Frames are uncompressed JSON text, which discord.py accepts even when it
asked for zlib (it only decompresses binary frames).
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


class Gateway:
    """Serves `/gateway`; `on_identify` returns the READY and GUILD_CREATE payloads."""

    def __init__(
        self,
        ready_payloads: Callable[[GatewaySession], list[tuple[str, dict[str, Any]]]],
        changed: Callable[[], None],
    ) -> None:
        self._ready_payloads = ready_payloads
        self._changed = changed
        self._lock = asyncio.Lock()
        self.session: GatewaySession | None = None
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.connected = False  # a session is live on an open socket

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        await self._send(socket, {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for frame in socket:
                if frame.type is WSMsgType.TEXT:
                    await self._on_frame(socket, json.loads(frame.data))
        finally:
            if self.session is not None and self.session.socket is socket:
                self.session.socket = None
                self.connected = False
                self._changed()
        return socket

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event; while disconnected it is kept for the RESUME replay."""
        async with self._lock:
            session = self.session
            if session is None:
                raise RuntimeError("no gateway session yet: wait_until_connected() first")
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.frames.append(frame)
            if session.socket is not None and not session.socket.closed:
                await self._send(session.socket, frame)

    async def drop(self) -> None:
        """Close the live socket with a resumable code, as Discord does during maintenance."""
        async with self._lock:
            socket = self.session.socket if self.session else None
            if self.session is not None:
                self.session.socket = None
            self.connected = False
        if socket is not None:
            await socket.close(code=4000, message=b"emulator dropped the connection")

    async def close(self) -> None:
        if self.session is not None and self.session.socket is not None:
            await self.session.socket.close(code=1001)

    async def _on_frame(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
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
            self.session = session
        for event, payload in self._ready_payloads(session):
            await self.dispatch(event, payload)
        self.identifies += 1
        self.connected = True
        self._changed()

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        async with self._lock:
            session = self.session
            if session is None or session.session_id != data.get("session_id"):
                await self._send(socket, {"op": INVALID_SESSION, "d": False})
                return
            missed = [f for f in session.frames if f["s"] > (data.get("seq") or 0)]
            for frame in missed:
                await self._send(socket, frame)
            session.seq += 1
            await self._send(socket, {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}})
            session.socket = socket
        self.resumes += 1
        self.connected = True
        self._changed()

    @staticmethod
    async def _send(socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        frame.setdefault("s", None)
        frame.setdefault("t", None)
        frame.setdefault("d", None)
        with contextlib.suppress(ConnectionError):  # gone: a RESUME replays what it missed
            await socket.send_str(json.dumps(frame))
