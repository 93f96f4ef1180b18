"""The LangGraph server's HTTP transport: a server that refuses connections is retried for one
bounded window (LANGGRAPH_RECONNECT_SECONDS), then reported.

langgraph_sdk retries a dead server on two levels, with no setting for either: httpx's transport
retries each connection 5 times, inside the SDK's own stream reconnects (5 attempts, 1-5 s
apart). A server that died mid-turn took about a minute to be reported. Here each request's
connection is retried until the window has passed, then ServerUnreachable is raised: it is not
an httpx.TransportError, so the SDK's reconnect loop lets it through rather than starting over.
A server back within the window (a quick restart) goes unnoticed. Only failed connections are
retried: the request was never sent, so nothing runs twice.

A server that goes silent (its host vanished, its process stopped: the connection stays open)
is the other half. A live server sends a heartbeat every 5 s while a run streams, so a read that
times out (LANGGRAPH_READ_TIMEOUT_SECONDS) means it is gone. The SDK would reconnect five times,
each attempt waiting out the timeout again (six times the timeout, plus 17 s of delays; half an
hour at the 300 s read timeout used before): the timeout becomes ServerSilent, which, again not
an httpx error, ends the turn at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx

FIRST_RETRY_DELAY_S = 0.1
MAX_RETRY_DELAY_S = 1.0
MIN_CONNECT_TIMEOUT_S = 0.5  # the last attempt's, when the window is nearly spent


class ServerUnreachable(Exception):
    """The server refused, or never accepted, every connection for the whole window."""


class ServerSilent(Exception):
    """The server sent nothing, not even a heartbeat, for the whole read timeout."""


class ReconnectingTransport(httpx.AsyncBaseTransport):
    """httpx transport that retries a refused connection for `window_s` seconds, then gives up."""

    def __init__(self, window_s: float, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._window_s = window_s
        self._inner = inner or httpx.AsyncHTTPTransport(retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self._window_s
        delay = FIRST_RETRY_DELAY_S
        while True:
            _shorten_connect_timeout(request, deadline - time.monotonic())
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.ReadTimeout as exc:
                raise ServerSilent(_silent(request)) from exc
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServerUnreachable(
                        f"no connection to {request.url.scheme}://{request.url.netloc.decode()}"
                        f" for {self._window_s:g} s ({type(exc).__name__}: {exc})"
                    ) from exc
                await asyncio.sleep(min(delay, left))
                delay = min(delay * 2, MAX_RETRY_DELAY_S)
                continue
            stream = response.stream
            assert isinstance(stream, httpx.AsyncByteStream)
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=_SilenceReported(stream, request),
                extensions=response.extensions,
            )

    async def aclose(self) -> None:
        await self._inner.aclose()


def _shorten_connect_timeout(request: httpx.Request, left_s: float) -> None:
    """A host that never answers (dropped, not refusing) must not stretch the window by a whole
    connect timeout per attempt."""
    timeouts = request.extensions.get("timeout")
    if isinstance(timeouts, dict) and isinstance(connect := timeouts.get("connect"), float | int):
        shorter = min(float(connect), max(left_s, MIN_CONNECT_TIMEOUT_S))
        request.extensions["timeout"] = {**timeouts, "connect": shorter}


class _SilenceReported(httpx.AsyncByteStream):
    """A response body whose read timeout is ServerSilent (see the module docstring)."""

    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except httpx.ReadTimeout as exc:
            raise ServerSilent(_silent(self._request)) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def _silent(request: httpx.Request) -> str:
    timeouts = request.extensions.get("timeout")
    read = timeouts.get("read") if isinstance(timeouts, dict) else None
    waited = f" for {read:g} s" if isinstance(read, float | int) else ""
    where = f"{request.url.scheme}://{request.url.netloc.decode()}"
    return f"nothing from {where}{waited}, not even its heartbeat (stopped or unreachable)"
