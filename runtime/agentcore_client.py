"""The Discord runtime as a thin client of a graph on Amazon Bedrock AgentCore Runtime.

BACKEND_MODE=agentcore with AGENTCORE_RUNTIME_ARN: each turn is one boto3 `bedrock-agentcore`
`invoke_agent_runtime` call, the channel as the runtime session (`runtime.agentcore_session`),
and the runtime's server-sent events (`runtime.agentcore_server`) become the same TokenEvents
and FinalReply the embedded graph yields, so Discord streams them as it always does. Anything
that stops a turn (an AWS error, an unreachable service, the runtime's own error event, a
stream that ends without a reply) is a RemoteTurnError, which the runtime reports in the channel.

boto3 is synchronous: the call and the reading of its stream run in a worker thread, handing
events to the event loop as they arrive.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
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
from runtime.agentcore_session import session_of
from runtime.thin_client import RemoteTurnError, ThinClient, ThinConversation

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 300  # a streamed turn with retries; the service's own limit is far longer


def parse_events(lines: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    """The JSON objects of a server-sent event stream (`data: {...}` lines)."""
    for raw in lines:
        line = raw.decode("utf-8").strip()
        if line.startswith("data:"):
            yield json.loads(line.removeprefix("data:").strip())


def reply_of(data: dict[str, Any]) -> FinalReply:
    """A FinalReply from its JSON form (all its fields are JSON types)."""
    return FinalReply(**data)


class AgentCoreConversation(ThinConversation):
    """ConversationLike over InvokeAgentRuntime."""

    def __init__(self, client: Any, arn: str, records: ThinClient) -> None:
        self._client = client
        self._arn = arn
        self._records = records

    async def _turn(
        self, thread_id: str, text: str, author: Author, profile: str | None
    ) -> AsyncIterator[TurnEvent]:
        payload: dict[str, Any] = {"prompt": text, "author_id": author.id}
        payload["author_name"] = author.name
        if profile is not None:
            payload["profile"] = profile
        replied = False
        async for event in self._invoke(thread_id, payload):
            if "token" in event:
                yield TokenEvent(str(event["token"]))
            elif "reply" in event:
                replied = True
                yield reply_of(event["reply"])
        if not replied:
            raise RemoteTurnError("the AgentCore runtime ended the turn without a reply")

    async def reset(self, thread_id: str) -> None:
        async for _event in self._invoke(thread_id, {"action": "reset"}):
            pass

    async def _invoke(
        self, thread_id: str, payload: dict[str, Any]
    ) -> AsyncIterator[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        stop = threading.Event()

        def put(kind: str, value: Any) -> None:
            loop.call_soon_threadsafe(events.put_nowait, (kind, value))

        reader = loop.run_in_executor(None, self._read, session_of(thread_id), payload, put, stop)
        try:
            while True:
                kind, value = await events.get()
                if kind == "end":
                    break
                if kind == "failed":
                    raise RemoteTurnError(f"AgentCore Runtime: {value}")
                if "error" in value:
                    kind_of = value.get("error_type", "error")
                    raise RemoteTurnError(
                        f"the AgentCore runtime failed ({kind_of}): {value['error']}"
                    )
                yield value
        finally:
            stop.set()
            await reader

    def _read(
        self,
        session: str,
        payload: dict[str, Any],
        put: Callable[[str, Any], None],
        stop: threading.Event,
    ) -> None:
        from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
            BotoCoreError,
            ClientError,
        )

        try:
            answer = self._client.invoke_agent_runtime(
                agentRuntimeArn=self._arn,
                runtimeSessionId=session,
                payload=json.dumps(payload).encode(),
                contentType="application/json",
                accept="text/event-stream",
            )
            body = answer["response"]
            try:
                if "text/event-stream" in answer.get("contentType", ""):
                    for event in parse_events(body.iter_lines()):
                        if stop.is_set():
                            return
                        put("event", event)
                else:  # a handler that returns instead of streaming answers one JSON value
                    put("event", json.loads(body.read() or b"{}"))
            finally:
                body.close()
            put("end", None)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            put("failed", f"{error.get('Code', 'error')}: {error.get('Message', exc)}")
        except (BotoCoreError, OSError, ValueError) as exc:
            put("failed", f"{type(exc).__name__}: {exc}")


class AgentCoreBackend(ThinClient):
    """The Discord runtime's Backend when the graph runs on AgentCore Runtime."""

    def __init__(self, models: ModelSettings, client: Any, ledger: TurnLedger) -> None:
        assert models.agentcore_runtime_arn is not None
        super().__init__(ledger, f"AgentCore Runtime {models.agentcore_runtime_arn}")
        self.models = models
        self._conversation = AgentCoreConversation(client, models.agentcore_runtime_arn, self)

    @property
    def conversation(self) -> AgentCoreConversation:
        return self._conversation


@asynccontextmanager
async def open_agentcore_backend(
    models: ModelSettings, memory: MemorySettings
) -> AsyncIterator[AgentCoreBackend]:
    """The client of AGENTCORE_RUNTIME_ARN (models), recording turns in the ledger (memory)."""
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

    config = Config(read_timeout=READ_TIMEOUT_S, retries={"max_attempts": 2, "mode": "standard"})
    client = boto3.client("bedrock-agentcore", region_name=models.aws_region, config=config)
    ledger = open_ledger(memory)
    try:
        yield AgentCoreBackend(models, client, ledger)
    finally:
        ledger.close()
