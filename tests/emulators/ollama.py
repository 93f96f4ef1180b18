"""A local Ollama server: `POST /api/chat` (NDJSON streaming or one JSON), `POST /api/embed` and
`GET /api/tags`.

`ChatOllama` and the `ollama` client talk to it unmodified through OLLAMA_BASE_URL = `.url`.
Only the models it was started with exist; any other answers 404 like a model never pulled.
Scripts work as in the Bedrock emulator: one behaviour per request, unscripted models answer
`"Answer from <model>."`. `refused_url()` gives an address where nothing listens.

    with OllamaEmulator(models=["llama3.2:3b"]) as ollama:
        ollama.script("llama3.2:3b", fail(500, times=1), answer("hello"))
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.emulators.bedrock_runtime import Scripts, ThreadedEmulator

OLLAMA_MODEL = "llama3.2:3b"  # the model the emulator serves unless a test names others


@dataclass
class Behaviour:
    """What the emulator does for one `/api/chat` request (see `answer`, `fail`, `cut`)."""

    text: str = ""
    status: int | None = None  # answer with this HTTP status and `{"error": message}`
    message: str = ""
    times: int | None = None
    cut_after: int | None = None  # tokens before the stream breaks
    cut_with_error_line: bool = True  # break with an `{"error": …}` line, else close the socket
    token_delay_s: float = 0.0
    first_token_delay_s: float = 0.0
    done_reason: str = "stop"
    prompt_eval_count: int | None = None
    eval_count: int | None = None
    gate: threading.Event | None = None  # answer only once the test sets it

    def tokens(self) -> list[str]:
        return re.findall(r"\S+\s*|\s+", self.text)


def answer(
    text: str,
    *,
    times: int | None = None,
    token_delay_s: float = 0.0,
    first_token_delay_s: float = 0.0,
    done_reason: str = "stop",
    prompt_eval_count: int | None = None,
    eval_count: int | None = None,
) -> Behaviour:
    """Answer `text`, one word per NDJSON line, optionally slowly."""
    return Behaviour(
        text=text,
        times=times,
        token_delay_s=token_delay_s,
        first_token_delay_s=first_token_delay_s,
        done_reason=done_reason,
        prompt_eval_count=prompt_eval_count,
        eval_count=eval_count,
    )


def held(text: str, gate: threading.Event, *, times: int | None = None) -> Behaviour:
    """Receive the request, then answer `text` only once `gate` is set: a turn caught mid-way."""
    return Behaviour(text=text, times=times, gate=gate)


def fail(status: int = 500, *, times: int | None = None, message: str | None = None) -> Behaviour:
    """Answer an HTTP error with Ollama's `{"error": …}` body."""
    return Behaviour(status=status, times=times, message=message or f"emulated error {status}")


def cut(text: str, *, after: int, error_line: bool = True, times: int | None = None) -> Behaviour:
    """Stream `after` tokens, then an `{"error": …}` line (or, `error_line=False`, hang up)."""
    return Behaviour(
        text=text,
        cut_after=after,
        cut_with_error_line=error_line,
        times=times,
        message="an error was encountered while running the model",
    )


@dataclass
class ReceivedChat:
    """One `/api/chat` request as the emulator saw it."""

    model: str
    body: dict[str, Any]


class OllamaEmulator(ThreadedEmulator):
    """Ollama's chat and tags endpoints with a fixed set of pulled models."""

    def __init__(self, models: Sequence[str] = (OLLAMA_MODEL,)) -> None:
        super().__init__()
        self.models = list(models)
        self.requests: list[ReceivedChat] = []
        self.tags_requests = 0
        self.embedded: list[str] = []  # every text /api/embed received, in order
        self._scripts = Scripts()

    def script(self, model: str, *behaviours: Behaviour) -> None:
        self._scripts.set(model, behaviours)

    def model_names(self) -> list[str]:
        """Models named by the chat requests received so far, in order."""
        return [r.model for r in self.requests]

    def reset(self) -> None:
        self.requests.clear()
        self._scripts.clear()

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/chat", self._chat)
        app.router.add_get("/api/tags", self._tags)
        app.router.add_post("/api/embed", self._embed)
        return app

    async def _embed(self, request: web.Request) -> web.Response:
        """Deterministic vectors (letter counts, not normalised, as a real model's aren't
        necessarily): texts sharing letters are near, which is all a wire test needs."""
        body = await request.json()
        model = str(body.get("model", ""))
        if model not in self.models:
            return web.json_response(
                {"error": f'model "{model}" not found, try pulling it first'}, status=404
            )
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else list(texts)
        with self._lock:
            self.embedded.extend(texts)
        vectors = [
            [float(text.lower().count(letter)) + 0.01 for letter in "abcdefghijklmnopqrstuvwxyz"]
            for text in texts
        ]
        return web.json_response({"model": model, "embeddings": vectors})

    async def _tags(self, request: web.Request) -> web.Response:
        self.tags_requests += 1
        return web.json_response({"models": [_tag(name) for name in self.models]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = str(body.get("model", ""))
        with self._lock:
            self.requests.append(ReceivedChat(model, body))
        if model not in self.models:
            return web.json_response(
                {"error": f'model "{model}" not found, try pulling it first'}, status=404
            )
        behaviour = self._scripts.next(model) or answer(f"Answer from {model}.")
        if behaviour.gate is not None:
            await asyncio.get_running_loop().run_in_executor(None, behaviour.gate.wait)
        if behaviour.status is not None:
            return web.json_response({"error": behaviour.message}, status=behaviour.status)
        prompt_words = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        tokens = behaviour.tokens()
        final = {
            "done": True,
            "done_reason": behaviour.done_reason,
            "total_duration": 5_000_000 * (len(tokens) + 1),
            "load_duration": 1_000_000,
            "prompt_eval_count": _given(behaviour.prompt_eval_count, max(prompt_words, 1)),
            "prompt_eval_duration": 1_000_000,
            "eval_count": _given(behaviour.eval_count, len(tokens)),
            "eval_duration": 5_000_000 * len(tokens),
        }
        if not body.get("stream", True):
            if behaviour.cut_after is not None:
                return web.json_response({"error": behaviour.message}, status=500)
            await asyncio.sleep(behaviour.first_token_delay_s)
            return web.json_response(_line(model, behaviour.text, **final))

        response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        await response.prepare(request)
        await asyncio.sleep(behaviour.first_token_delay_s)
        for index, token in enumerate(tokens):
            if index == behaviour.cut_after:
                if not behaviour.cut_with_error_line:
                    assert request.transport is not None
                    request.transport.close()
                    return response
                await response.write(json.dumps({"error": behaviour.message}).encode() + b"\n")
                await response.write_eof()
                return response
            if index and behaviour.token_delay_s:
                await asyncio.sleep(behaviour.token_delay_s)
            await response.write(json.dumps(_line(model, token, done=False)).encode() + b"\n")
        await response.write(json.dumps(_line(model, "", **final)).encode() + b"\n")
        await response.write_eof()
        return response


def _given(value: int | None, default: int) -> int:
    return default if value is None else value


def _line(model: str, content: str, **fields: Any) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "message": {"role": "assistant", "content": content},
        **fields,
    }


def _tag(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "model": name,
        "modified_at": "2026-01-01T00:00:00Z",
        "size": 2_019_393_189,
        "digest": "a80c4f17acd5" + "0" * 52,
        "details": {
            "format": "gguf",
            "family": "llama",
            "families": ["llama"],
            "parameter_size": "3.2B",
            "quantization_level": "Q4_K_M",
        },
    }


@contextmanager
def refused_url() -> Iterator[str]:
    """An http URL on 127.0.0.1 whose port is bound but not listening: connections are refused.

    Holding the socket keeps another process from taking the port while the test runs.
    """
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{holder.getsockname()[1]}"
    finally:
        holder.close()
