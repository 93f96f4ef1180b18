"""BACKEND_MODE=remote's HTTP transport: a LangGraph server that refuses connections is retried
for LANGGRAPH_RECONNECT_SECONDS, then reported; one that comes back within it is reached; a
request the server received is never sent twice; one that goes silent mid-stream is reported,
not reconnected to. Real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from runtime.reconnecting_transport import ReconnectingTransport, ServerSilent, ServerUnreachable
from tests.studio.test_langgraph_dev import free_port

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


class Watched(httpx.AsyncBaseTransport):
    """httpx's own transport (no retries of its own), counting the connections it attempted."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(retries=0)
        self.attempts = 0
        self.refused = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        try:
            return await self.inner.handle_async_request(request)
        except httpx.ConnectError:
            self.refused.set()
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_server_that_stays_down_is_reported_after_the_window() -> None:
    port = free_port()  # nobody listens: every connection is refused
    watched = Watched()
    async with httpx.AsyncClient(transport=ReconnectingTransport(0.5, watched)) as client:
        with pytest.raises(ServerUnreachable, match=f"no connection to http://127.0.0.1:{port}"):
            await client.get(f"http://127.0.0.1:{port}/threads")
    assert watched.attempts >= 2  # retried within the window, not given up at the first refusal


async def test_a_server_back_within_the_window_answers_the_request() -> None:
    port = free_port()
    watched = Watched()
    transport = ReconnectingTransport(60.0, watched)  # far longer than the restart below

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)
        await writer.drain()
        writer.close()

    async with httpx.AsyncClient(transport=transport) as client:
        request = asyncio.create_task(client.get(f"http://127.0.0.1:{port}/threads"))
        await watched.refused.wait()  # the server is down when the request is made …
        server = await asyncio.start_server(answer, "127.0.0.1", port)  # … and back
        async with server:
            response = await request
    assert response.status_code == 200 and response.text == "ok"
    assert watched.attempts >= 2


async def test_a_request_the_server_received_is_not_sent_again() -> None:
    received: list[bytes] = []

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        writer.close()  # took the run, then died before answering

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, httpx.AsyncClient(transport=ReconnectingTransport(60.0)) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(f"http://127.0.0.1:{port}/threads/t/runs/stream", json={})
    assert len(received) == 1  # the SDK decides what a dropped stream means, not the transport


SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
)


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def test_a_stream_that_goes_silent_is_reported_as_such() -> None:
    silent = asyncio.Event()

    async def answer_then_vanish(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(SSE_HEAD + chunk(b"event: metadata\ndata: {}\n\n") + chunk(b": heartbeat\n\n"))
        await writer.drain()
        await silent.wait()  # the host is gone: the connection stays open, nothing more comes
        writer.close()

    server = await asyncio.start_server(answer_then_vanish, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    timeout = httpx.Timeout(0.5, connect=5.0)
    async with (
        server,
        httpx.AsyncClient(transport=ReconnectingTransport(60.0), timeout=timeout) as client,
    ):
        received = b""
        try:
            async with client.stream("POST", f"http://127.0.0.1:{port}/runs/stream") as response:
                with pytest.raises(
                    ServerSilent, match=r"nothing from http://127\.0\.0\.1:\d+ for 0\.5 s"
                ):
                    async for data in response.aiter_raw():
                        received += data
        finally:
            silent.set()
    assert b"heartbeat" in received  # what came before the silence was delivered
