"""A local Amazon Bedrock runtime: Converse and ConverseStream over HTTP, with event-stream framing.

The real clients (boto3, `ChatBedrockConverse`) talk to it unmodified: point them here with
`AWS_ENDPOINT_URL_BEDROCK_RUNTIME` (see `aws_env`) and any dummy credentials. Each model id gets a
script of behaviours, consumed one per request; an unscripted model answers
`"Answer from <model id>."`, so a test can also tell from the text which model spoke.

    with BedrockEmulator() as bedrock:             # or: async with BedrockEmulator() as bedrock
        bedrock.script("amazon.nova-pro-v1:0", fail("ThrottlingException", times=2), answer("hi"))
        ...
        assert bedrock.model_ids() == ["amazon.nova-pro-v1:0"] * 3

The server runs on 127.0.0.1 in its own thread and event loop, so synchronous clients, tests with
their own loop and benchmarks can all use it; per-token delays never block the caller's loop.
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote

from aiohttp import web

ERROR_STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ModelErrorException": 424,
    "ModelStreamErrorException": 424,
    "ThrottlingException": 429,
    "ModelNotReadyException": 429,
    "ServiceQuotaExceededException": 400,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
}


# --- behaviours ------------------------------------------------------------------------------


@dataclass
class Behaviour:
    """What the emulator does for one request to a model (see `answer`, `fail`, `cut`, `drop`)."""

    text: str = ""
    error: str | None = None  # answer with this exception over HTTP before any event
    message: str = ""
    times: int | None = None  # requests this behaviour serves; None: every remaining one
    cut_after: int | None = None  # tokens sent before an `exception` message in the stream
    cut_error: str = "ModelStreamErrorException"
    drop_after: int | None = None  # tokens sent before the connection is closed, no messageStop
    token_delay_s: float = 0.0
    first_token_delay_s: float = 0.0
    stop_reason: str = "end_turn"
    input_tokens: int | None = None  # default: words in the request
    output_tokens: int | None = None  # default: tokens streamed

    def tokens(self) -> list[str]:
        """The text in streaming pieces: one word with its trailing space each."""
        return re.findall(r"\S+\s*|\s+", self.text)


def answer(
    text: str,
    *,
    times: int | None = None,
    token_delay_s: float = 0.0,
    first_token_delay_s: float = 0.0,
    stop_reason: str = "end_turn",
    input_tokens: int | None = None,
    output_tokens: int | None = None,
) -> Behaviour:
    """Answer `text`, streamed word by word, optionally slowly (for latency benchmarks)."""
    return Behaviour(
        text=text,
        times=times,
        token_delay_s=token_delay_s,
        first_token_delay_s=first_token_delay_s,
        stop_reason=stop_reason,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
    )


def fail(error: str, *, times: int | None = None, message: str | None = None) -> Behaviour:
    """Refuse with an AWS error (`ThrottlingException`, …); `times=N` then the next behaviour."""
    if error not in ERROR_STATUS:
        raise ValueError(f"unknown Bedrock error {error!r}; known: {sorted(ERROR_STATUS)}")
    return Behaviour(error=error, times=times, message=message or f"Emulated {error}")


def cut(
    text: str,
    *,
    after: int,
    error: str = "ModelStreamErrorException",
    times: int | None = None,
    message: str | None = None,
) -> Behaviour:
    """Stream `after` tokens of `text`, then an `exception` message (e.g. ThrottlingException)."""
    return Behaviour(
        text=text, cut_after=after, cut_error=error, times=times, message=message or "stream broke"
    )


def drop(text: str, *, after: int, times: int | None = None) -> Behaviour:
    """Stream `after` tokens of `text`, then close the connection without a messageStop."""
    return Behaviour(text=text, drop_after=after, times=times)


@dataclass
class ReceivedRequest:
    """One request as the emulator saw it."""

    operation: str  # "converse" or "converse-stream"
    model_id: str  # decoded
    raw_path: str  # as sent, e.g. /model/us.amazon.nova-pro-v1%3A0/converse-stream
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


# --- event-stream framing --------------------------------------------------------------------


def encode_event(headers: dict[str, str], payload: bytes) -> bytes:
    """One `application/vnd.amazon.eventstream` message, with string headers and both CRCs."""
    encoded = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        encoded += struct.pack("!B", len(raw_name)) + raw_name
        encoded += b"\x07" + struct.pack("!H", len(raw_value)) + raw_value
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack("!II", total, len(encoded))
    message = prelude + struct.pack("!I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack("!I", zlib.crc32(message))


def decode_events(data: bytes) -> Iterator[tuple[dict[str, str], bytes]]:
    """Inverse of `encode_event` for a buffer of whole messages; checks both CRCs."""
    offset = 0
    while offset < len(data):
        total, headers_length = struct.unpack_from("!II", data, offset)
        (prelude_crc,) = struct.unpack_from("!I", data, offset + 8)
        if zlib.crc32(data[offset : offset + 8]) != prelude_crc:
            raise ValueError("prelude CRC mismatch")
        message = data[offset : offset + total]
        if zlib.crc32(message[:-4]) != struct.unpack("!I", message[-4:])[0]:
            raise ValueError("message CRC mismatch")
        headers: dict[str, str] = {}
        position, end = 12, 12 + headers_length
        while position < end:
            name_length = message[position]
            name = message[position + 1 : position + 1 + name_length].decode()
            position += 1 + name_length
            if message[position] != 7:
                raise ValueError("only string headers are supported")
            (value_length,) = struct.unpack_from("!H", message, position + 1)
            headers[name] = message[position + 3 : position + 3 + value_length].decode()
            position += 3 + value_length
        yield headers, message[end:-4]
        offset += total


def event(name: str, body: dict[str, Any]) -> bytes:
    return encode_event(
        {":event-type": name, ":content-type": "application/json", ":message-type": "event"},
        json.dumps(body).encode(),
    )


def exception_event(name: str, message: str) -> bytes:
    """An in-stream error; the event stream names exceptions as members (`throttlingException`)."""
    return encode_event(
        {
            ":exception-type": name[:1].lower() + name[1:],
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        json.dumps({"message": message}).encode(),
    )


# --- the server ------------------------------------------------------------------------------


class ThreadedEmulator:
    """An aiohttp app on 127.0.0.1 and a free port, served from a private thread and loop."""

    # aiohttp cannot inflate every Content-Encoding (zstd); such emulators read raw bodies.
    auto_decompress = True

    def __init__(self) -> None:
        self.url = ""
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._lock = threading.Lock()

    def build_app(self) -> web.Application:
        raise NotImplementedError

    def start(self) -> Self:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=loop.run_forever, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._serve(), loop).result(10)
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    async def _serve(self) -> int:
        self._runner = web.AppRunner(
            self.build_app(),
            access_log=None,
            shutdown_timeout=0.5,
            auto_decompress=self.auto_decompress,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)  # 0: any free port
        await site.start()
        return int(self._runner.addresses[0][1])

    def stop(self) -> None:
        loop, runner = self._loop, self._runner
        if loop is None:
            return
        if runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = self._runner = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)


class Scripts:
    """Per-model queues of behaviours, shared by the Bedrock and Ollama emulators."""

    def __init__(self) -> None:
        self._scripts: dict[str, list[list[Any]]] = {}
        self._lock = threading.Lock()

    def set(self, model: str, behaviours: tuple[Any, ...]) -> None:
        with self._lock:
            self._scripts[model] = [[b, b.times] for b in behaviours]

    def next(self, model: str) -> Any | None:
        """The behaviour for this request, or None when the model has no script left."""
        with self._lock:
            queue = self._scripts.get(model)
            if not queue:
                return None
            entry = queue[0]
            if entry[1] is not None:
                entry[1] -= 1
                if entry[1] <= 0:
                    queue.pop(0)
            return entry[0]

    def clear(self) -> None:
        with self._lock:
            self._scripts.clear()


@dataclass
class Lifecycle:
    """A foundation model's `modelLifecycle` as GetFoundationModel reports it."""

    status: str = "ACTIVE"  # or LEGACY
    legacy_time: float | None = None  # epoch seconds, as the REST JSON protocol sends them
    end_of_life_time: float | None = None

    def body(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"status": self.status}
        if self.legacy_time is not None:
            shown["legacyTime"] = self.legacy_time
        if self.end_of_life_time is not None:
            shown["endOfLifeTime"] = self.end_of_life_time
        return shown


NOVA_MICRO, NOVA_LITE, NOVA_PRO = (
    "amazon.nova-micro-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-pro-v1:0",
)
# Foundation models the control plane knows; any other id is a ResourceNotFoundException.
FOUNDATION_MODELS = (
    NOVA_MICRO,
    NOVA_LITE,
    NOVA_PRO,
    "amazon.nova-premier-v1:0",
    "amazon.nova-2-lite-v1:0",
)


class BedrockEmulator(ThreadedEmulator):
    """`POST /model/{modelId}/converse` and `/converse-stream`, scripted per model id; `/invoke`
    for Titan Text Embeddings; and the control plane's `GET /foundation-models/{modelIdentifier}`
    (GetFoundationModel), whose lifecycle each test can set with `set_lifecycle` (every known
    model is ACTIVE otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[ReceivedRequest] = []
        self.model_lookups: list[str] = []  # GetFoundationModel identifiers, decoded, in order
        self.lookup_gate: threading.Event | None = None  # when set, look-ups wait for it
        self._scripts = Scripts()
        self._lifecycles: dict[str, Lifecycle] = {}

    def set_lifecycle(self, model_id: str, lifecycle: Lifecycle) -> None:
        """What GetFoundationModel reports for this model from now on."""
        self._lifecycles[model_id] = lifecycle

    def script(self, model_id: str, *behaviours: Behaviour) -> None:
        """Replace the model's script; each request takes the first behaviour still due."""
        self._scripts.set(model_id, behaviours)

    def model_ids(self, operation: str | None = None) -> list[str]:
        """Model ids of the requests received so far, in order."""
        return [r.model_id for r in self.requests if operation in (None, r.operation)]

    def reset(self) -> None:
        self.requests.clear()
        self.model_lookups.clear()
        self.lookup_gate = None
        self._scripts.clear()
        self._lifecycles.clear()

    def env(self) -> dict[str, str]:
        """Environment that points the standard AWS clients here (runtime and the `bedrock`
        control plane), with dummy credentials."""
        return aws_env(self.url) | {"AWS_ENDPOINT_URL_BEDROCK": self.url}

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(r"/model/{model_id:.+}/converse", self._converse)
        app.router.add_post(r"/model/{model_id:.+}/converse-stream", self._converse_stream)
        app.router.add_get(r"/foundation-models/{model_id:.+}", self._get_foundation_model)
        app.router.add_post(r"/model/{model_id:.+}/invoke", self._invoke)
        return app

    async def _invoke(self, request: web.Request) -> web.Response:
        """InvokeModel for Titan Text Embeddings: `{"inputText"}` in, `{"embedding",
        "inputTextTokenCount"}` out; deterministic letter-count vectors (normalised when asked)."""
        raw_path = request.raw_path.split("?", 1)[0]
        model_id = unquote(raw_path[len("/model/") : raw_path.rindex("/")])
        body = await request.json()
        with self._lock:
            self.requests.append(
                ReceivedRequest("invoke", model_id, raw_path, body, dict(request.headers))
            )
        if not model_id.startswith("amazon.titan-embed-text"):
            return self._error(
                "ValidationException", f"The provided model {model_id} is not an embedding model."
            )
        text = str(body.get("inputText", ""))
        vector = [float(text.lower().count(c)) + 0.01 for c in "abcdefghijklmnopqrstuvwxyz"]
        if body.get("normalize", True):
            norm = sum(v * v for v in vector) ** 0.5
            vector = [v / norm for v in vector]
        return web.json_response(
            {"embedding": vector, "inputTextTokenCount": max(len(text.split()), 1)}
        )

    async def _get_foundation_model(self, request: web.Request) -> web.Response:
        raw_path = request.raw_path.split("?", 1)[0]
        model_id = unquote(raw_path[len("/foundation-models/") :])
        with self._lock:
            self.model_lookups.append(model_id)
        if (gate := self.lookup_gate) is not None:
            await asyncio.to_thread(gate.wait, 30)
        if model_id not in FOUNDATION_MODELS and model_id not in self._lifecycles:
            return self._error("ResourceNotFoundException", f"Model {model_id} not found")
        lifecycle = self._lifecycles.get(model_id, Lifecycle())
        return web.json_response(
            {
                "modelDetails": {
                    "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}",
                    "modelId": model_id,
                    "modelName": model_id,
                    "providerName": "Amazon",
                    "inputModalities": ["TEXT"],
                    "outputModalities": ["TEXT"],
                    "responseStreamingSupported": True,
                    "inferenceTypesSupported": ["ON_DEMAND", "INFERENCE_PROFILE"],
                    "modelLifecycle": lifecycle.body(),
                }
            },
            headers={"x-amzn-RequestId": str(uuid.uuid4())},
        )

    async def _receive(self, request: web.Request, operation: str) -> tuple[str, Behaviour, int]:
        raw_path = request.raw_path.split("?", 1)[0]
        encoded = raw_path[len("/model/") : raw_path.rindex("/")]
        model_id = unquote(encoded)
        body = await request.json()
        with self._lock:
            self.requests.append(
                ReceivedRequest(operation, model_id, raw_path, body, dict(request.headers))
            )
        behaviour = self._scripts.next(model_id) or answer(f"Answer from {model_id}.")
        words = sum(
            len(str(block.get("text", "")).split())
            for part in (*body.get("messages", []), {"content": body.get("system", [])})
            for block in part.get("content", [])
            if isinstance(block, dict)
        )
        input_tokens = behaviour.input_tokens
        return model_id, behaviour, max(words, 1) if input_tokens is None else input_tokens

    @staticmethod
    def _error(name: str, message: str) -> web.Response:
        return web.json_response(
            {"message": message},
            status=ERROR_STATUS[name],
            headers={
                "x-amzn-ErrorType": f"{name}:http://internal.amazon.com/coral/com.amazon.bedrock/",
                "x-amzn-RequestId": str(uuid.uuid4()),
            },
        )

    async def _converse(self, request: web.Request) -> web.Response:
        _model_id, behaviour, input_tokens = await self._receive(request, "converse")
        if behaviour.error:
            return self._error(behaviour.error, behaviour.message)
        if behaviour.cut_after is not None:
            return self._error(behaviour.cut_error, behaviour.message)
        await asyncio.sleep(behaviour.first_token_delay_s)
        output_tokens = behaviour.output_tokens
        if output_tokens is None:
            output_tokens = len(behaviour.tokens())
        return web.json_response(
            {
                "output": {"message": {"role": "assistant", "content": [{"text": behaviour.text}]}},
                "stopReason": behaviour.stop_reason,
                "usage": {
                    "inputTokens": input_tokens,
                    "outputTokens": output_tokens,
                    "totalTokens": input_tokens + output_tokens,
                },
                "metrics": {"latencyMs": 1},
            },
            headers={"x-amzn-RequestId": str(uuid.uuid4())},
        )

    async def _converse_stream(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        _model_id, behaviour, input_tokens = await self._receive(request, "converse-stream")
        if behaviour.error:
            return self._error(behaviour.error, behaviour.message)
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/vnd.amazon.eventstream",
                "x-amzn-RequestId": str(uuid.uuid4()),
            }
        )
        await response.prepare(request)
        await response.write(event("messageStart", {"role": "assistant"}))
        await asyncio.sleep(behaviour.first_token_delay_s)
        tokens = behaviour.tokens()
        for index, token in enumerate(tokens):
            if index == behaviour.cut_after:
                await response.write(exception_event(behaviour.cut_error, behaviour.message))
                await response.write_eof()
                return response
            if index == behaviour.drop_after:
                assert request.transport is not None
                request.transport.close()
                return response
            if index and behaviour.token_delay_s:
                await asyncio.sleep(behaviour.token_delay_s)
            await response.write(
                event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": token}})
            )
        await response.write(event("contentBlockStop", {"contentBlockIndex": 0}))
        await response.write(event("messageStop", {"stopReason": behaviour.stop_reason}))
        output_tokens = behaviour.output_tokens
        if output_tokens is None:
            output_tokens = len(tokens)
        metadata = {
            "usage": {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
                "totalTokens": input_tokens + output_tokens,
            },
            "metrics": {"latencyMs": int((time.monotonic() - started) * 1000)},
        }
        await response.write(event("metadata", metadata))
        await response.write_eof()
        return response


def aws_env(endpoint_url: str, region: str = "us-east-1") -> dict[str, str]:
    """Dummy credentials and region, and the endpoint override the AWS SDKs read for Bedrock."""
    return {
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": endpoint_url,
        "AWS_ACCESS_KEY_ID": "AKIDEMULATOR",
        "AWS_SECRET_ACCESS_KEY": "emulator-secret",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
