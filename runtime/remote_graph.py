"""The Discord runtime as a client of a LangGraph server (BACKEND_MODE=remote).

Each turn runs the server's `community_bot` graph (`langgraph.json`; or LANGGRAPH_ASSISTANT)
through LangGraph's own `RemoteGraph`: one server thread per channel, the turn's tokens streamed
back (`custom` stream mode) and the reply read from the `split_reply` node's update, exactly as
the embedded `Conversation` reads it. The server keeps the memory (its checkpointer) and runs
the models; this process only talks to Discord.

Server thread ids are UUIDs, so a channel's thread is the UUID5 of its thread id: every bot
process (and a restart) finds the same thread. Anything that stops a turn — the server going
away mid-stream, an error event, a stream without a reply — is a RemoteTurnError, reported in
the channel. Nothing hangs: a server that refuses connections is retried for
LANGGRAPH_RECONNECT_SECONDS, then reported (reconnecting_transport), instead of the SDK's own
retries of about a minute; one that goes silent (a vanished host, a stopped process: the
connection stays open) is reported after LANGGRAPH_READ_TIMEOUT_SECONDS without a byte. A healthy
server is never silent that long: it sends a heartbeat every 5 s while a run streams.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from community_bot.ledger import TurnLedger, open_ledger
from community_bot.settings import MemorySettings, ModelSettings
from community_bot.turns import (
    Author,
    FinalReply,
    TokenEvent,
    TurnEvent,
)
from nodes.history import AUTHOR_ID, AUTHOR_NAME
from runtime.thin_client import RemoteTurnError, ThinClient, ThinConversation

log = logging.getLogger(__name__)

THREADS = uuid.UUID("6f1f0c1e-7c59-4d55-9d2b-3a1c0b6f2a10")  # namespace of channel thread ids
CONNECT_TIMEOUT_S = 10.0


def server_thread(thread_id: str) -> str:
    return str(uuid.uuid5(THREADS, thread_id))


class RemoteConversation(ThinConversation):
    """ConversationLike over a LangGraph server."""

    def __init__(self, graph: Any, client: Any, records: ThinClient) -> None:
        self._graph = graph  # langgraph.pregel.remote.RemoteGraph
        self._client = client  # its langgraph_sdk client, for thread upkeep
        self._records = records

    async def _turn(
        self, thread_id: str, text: str, author: Author, profile: str | None
    ) -> AsyncIterator[TurnEvent]:
        import httpx
        from langgraph.pregel.remote import RemoteException

        from runtime.reconnecting_transport import ServerSilent, ServerUnreachable

        started = time.perf_counter()
        run_id = str(uuid.uuid4())  # the ledger row's key, which 👍/👎 point at
        human = {
            "type": "human",
            "content": text,
            "additional_kwargs": {AUTHOR_ID: author.id, AUTHOR_NAME: author.name},
        }
        config = {
            "configurable": {"thread_id": server_thread(thread_id)},
            "metadata": {"channel": thread_id, "author_id": author.id, "profile": profile},
        }
        collected: dict[str, Any] = {}
        replied = False
        try:
            async for part in self._graph.astream(
                {"messages": [human]},
                config,
                context={"profile": profile} if profile else None,
                stream_mode=["custom", "updates"],
            ):
                mode, payload = part.event, part.data
                if mode == "custom":
                    if isinstance(payload, dict) and (token := payload.get("token")):
                        yield TokenEvent(str(token))
                    continue
                if mode != "updates" or not isinstance(payload, dict):
                    continue
                for node, update in payload.items():
                    collected.update(update or {})
                    if node == "split_reply":
                        replied = True
                        yield FinalReply(
                            chunks=list(collected["reply_chunks"]),
                            citations=collected.get("citations", []),
                            route=collected.get("route"),
                            turn=collected.get("turn"),
                            retrieval=collected.get("retrieval"),
                            run_id=run_id,
                            thread_id=thread_id,
                            elapsed_ms=(time.perf_counter() - started) * 1000,
                        )
        except RemoteException as exc:
            raise RemoteTurnError(f"the LangGraph server failed the turn: {exc}") from None
        except ServerUnreachable as exc:
            raise RemoteTurnError(f"the LangGraph server could not be reached: {exc}") from None
        except ServerSilent as exc:
            raise RemoteTurnError(f"the LangGraph server stopped answering: {exc}") from None
        except httpx.HTTPError as exc:
            raise RemoteTurnError(
                f"the LangGraph server at {self._client.http.client.base_url} could not finish"
                f" the turn ({type(exc).__name__}: {exc})"
            ) from None
        if not replied:
            raise RemoteTurnError("the LangGraph server ended the turn without a reply")

    async def reset(self, thread_id: str) -> None:
        """Forget the channel: delete its server thread (the next turn creates it afresh)."""
        import httpx

        try:
            await self._client.threads.delete(server_thread(thread_id))
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 404:  # never talked: nothing to forget
                raise


class RemoteBackend(ThinClient):
    """The Discord runtime's Backend when the graph runs on a LangGraph server."""

    def __init__(self, models: ModelSettings, graph: Any, client: Any, ledger: TurnLedger) -> None:
        super().__init__(ledger, f"the LangGraph server at {models.langgraph_url}")
        self.models = models
        self._conversation = RemoteConversation(graph, client, self)

    @property
    def conversation(self) -> RemoteConversation:
        return self._conversation


@asynccontextmanager
async def open_remote_backend(
    models: ModelSettings, memory: MemorySettings
) -> AsyncIterator[RemoteBackend]:
    """The client of the LangGraph server at LANGGRAPH_URL (models), recording turns in the
    ledger (memory)."""
    import httpx
    import langgraph_sdk
    from langgraph.pregel.remote import RemoteGraph
    from langgraph_sdk.client import LangGraphClient

    from runtime.reconnecting_transport import ReconnectingTransport

    assert models.langgraph_url is not None
    # get_client's own, minus its transport (5 connection retries per request, no setting)
    headers = {"User-Agent": f"langgraph-sdk-py/{langgraph_sdk.__version__}"}
    if models.langgraph_api_key is not None:
        headers["x-api-key"] = models.langgraph_api_key.get_secret_value()
    client = LangGraphClient(
        httpx.AsyncClient(
            base_url=models.langgraph_url,
            headers=headers,
            timeout=httpx.Timeout(
                models.langgraph_read_timeout_seconds,
                connect=CONNECT_TIMEOUT_S,
                pool=CONNECT_TIMEOUT_S,
            ),
            transport=ReconnectingTransport(models.langgraph_reconnect_seconds),
        )
    )
    graph = RemoteGraph(models.langgraph_assistant, client=client)
    ledger = open_ledger(memory)
    try:
        yield RemoteBackend(models, graph, client, ledger)
    finally:
        ledger.close()
        await client.aclose()
