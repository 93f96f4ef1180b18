"""A local Bedrock Knowledge Bases Retrieve API: `POST /knowledgebases/{knowledgeBaseId}/retrieve`.

The real boto3 client (and langchain-aws' retriever on it) talks to it unmodified through
`AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME`. Requests are validated against botocore's service
model (a bad filter is a ValidationException, as on AWS), metadata filters are evaluated with the
documented operators, and results carry the real shapes: `content.text`, `location` (S3 or WEB),
`score`, `metadata` with the `x-amz-bedrock-kb-*` keys, and `nextToken` when a page is full.

    with KnowledgeBaseEmulator() as kb:
        kb.add("KB1", chunk("Reset your password from Settings.", "s3://docs/account.md"))
        kb.refuse("KB1", "ThrottlingException", times=2)
        ...
        assert kb.requests[-1].body["retrievalConfiguration"]["vectorSearchConfiguration"]
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.emulators.aws_model import AWS_ERROR_STATUS, aws_error, invalid_request, request_id
from tests.emulators.bedrock_runtime import Scripts, ThreadedEmulator, aws_env

DEFAULT_NUMBER_OF_RESULTS = 5  # what AWS returns when the request does not say
DATA_SOURCE_ID = "DSEMULATOR1"


@dataclass
class Chunk:
    """One indexed chunk of a document in an emulated knowledge base."""

    text: str
    uri: str  # s3://bucket/key or https://… (decides the location type)
    metadata: dict[str, Any] = field(default_factory=dict)
    chunk_id: str = ""

    def location(self) -> dict[str, Any]:
        if self.uri.startswith("s3://"):
            return {"type": "S3", "s3Location": {"uri": self.uri}}
        return {"type": "WEB", "webLocation": {"url": self.uri}}

    def attributes(self) -> dict[str, Any]:
        """User metadata plus the attributes Bedrock adds to every chunk."""
        return {
            **self.metadata,
            "x-amz-bedrock-kb-source-uri": self.uri,
            "x-amz-bedrock-kb-chunk-id": self.chunk_id,
            "x-amz-bedrock-kb-data-source-id": DATA_SOURCE_ID,
        }


def chunk(text: str, uri: str, **metadata: Any) -> Chunk:
    return Chunk(text, uri, metadata)


@dataclass
class Refusal:
    """Answer the next `times` requests to a knowledge base with an AWS error."""

    error: str
    message: str
    times: int | None


@dataclass
class RetrieveRequest:
    knowledge_base_id: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    @property
    def search(self) -> dict[str, Any]:
        """`retrievalConfiguration.vectorSearchConfiguration`, or {} when not sent."""
        config = self.body.get("retrievalConfiguration", {})
        return dict(config.get("vectorSearchConfiguration", {}))


class KnowledgeBaseEmulator(ThreadedEmulator):
    """Knowledge bases held in memory, searched by word overlap, behind the real REST API."""

    def __init__(self, *, page_size: int | None = None) -> None:
        super().__init__()
        self.page_size = page_size  # results per response before a nextToken; None: no paging
        self.requests: list[RetrieveRequest] = []
        self._chunks: dict[str, list[Chunk]] = {}
        self._refusals = Scripts()

    def add(self, knowledge_base_id: str, *chunks: Chunk) -> None:
        """Create the knowledge base if needed and index these chunks in it."""
        stored = self._chunks.setdefault(knowledge_base_id, [])
        for item in chunks:
            item.chunk_id = item.chunk_id or f"chunk-{len(stored) + 1}"
            stored.append(item)

    def refuse(
        self, knowledge_base_id: str, error: str, *, times: int | None = None, message: str = ""
    ) -> None:
        if error not in AWS_ERROR_STATUS:
            raise ValueError(f"unknown AWS error {error!r}")
        self._refusals.set(
            knowledge_base_id, (Refusal(error, message or f"Emulated {error}", times),)
        )

    def reset(self) -> None:
        self.requests.clear()
        self._chunks.clear()
        self._refusals.clear()

    def env(self) -> dict[str, str]:
        """Dummy credentials and `AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME` pointing here."""
        env = aws_env(self.url)
        env["AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME"] = env.pop("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
        return env

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/knowledgebases/{knowledge_base_id}/retrieve", self._retrieve)
        return app

    async def _retrieve(self, request: web.Request) -> web.Response:
        kb_id = request.match_info["knowledge_base_id"]
        body = await request.json()
        with self._lock:
            self.requests.append(RetrieveRequest(kb_id, body, dict(request.headers)))
        problem = invalid_request(
            "bedrock-agent-runtime", "Retrieve", {**body, "knowledgeBaseId": kb_id}
        )
        if problem:
            return aws_error("ValidationException", problem)
        refusal = self._refusals.next(kb_id)
        if refusal is not None:
            return aws_error(refusal.error, refusal.message)
        if kb_id not in self._chunks:
            return aws_error("ResourceNotFoundException", f"Knowledge base {kb_id} not found")
        search = body.get("retrievalConfiguration", {}).get("vectorSearchConfiguration", {})
        wanted = search.get("numberOfResults", DEFAULT_NUMBER_OF_RESULTS)
        matches = [c for c in self._chunks[kb_id] if matches_filter(search.get("filter"), c)]
        ranked = sorted(
            ((overlap(body["retrievalQuery"]["text"], c.text), c) for c in matches),
            key=lambda pair: -pair[0],
        )[:wanted]
        start = _decode_token(body.get("nextToken"))
        end = len(ranked) if self.page_size is None else start + self.page_size
        response: dict[str, Any] = {
            "retrievalResults": [
                {
                    "content": {"type": "TEXT", "text": c.text},
                    "location": c.location(),
                    "score": score,
                    "metadata": c.attributes(),
                }
                for score, c in ranked[start:end]
            ]
        }
        if end < len(ranked):
            response["nextToken"] = base64.b64encode(str(end).encode()).decode()
        return web.json_response(response, headers=request_id())


def overlap(query: str, text: str) -> float:
    """Share of the query's words found in the text: a stand-in for vector similarity."""
    words = set(re.findall(r"\w+", query.lower()))
    found = set(re.findall(r"\w+", text.lower()))
    return round(len(words & found) / len(words), 4) if words else 0.0


def _decode_token(token: str | None) -> int:
    return int(base64.b64decode(token)) if token else 0


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _compare(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def apply(have: Any, want: Any) -> bool:
        a, b = _number(have), _number(want)
        return a is not None and b is not None and test(a, b)

    return apply


def _contains(have: Any, want: Any) -> bool:
    if isinstance(have, list):
        return any(isinstance(item, str) and str(want) in item for item in have)
    return isinstance(have, str) and str(want) in have


OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = {
    "equals": lambda have, want: have == want,
    "notEquals": lambda have, want: have != want,
    "greaterThan": _compare(lambda a, b: a > b),
    "greaterThanOrEquals": _compare(lambda a, b: a >= b),
    "lessThan": _compare(lambda a, b: a < b),
    "lessThanOrEquals": _compare(lambda a, b: a <= b),
    "in": lambda have, want: have in want,
    "notIn": lambda have, want: have not in want,
    "startsWith": lambda have, want: isinstance(have, str) and have.startswith(str(want)),
    "stringContains": _contains,
    "listContains": lambda have, want: isinstance(have, list) and want in have,
}


def matches_filter(spec: Mapping[str, Any] | None, item: Chunk) -> bool:
    """The documented RetrievalFilter semantics over a chunk's metadata attributes."""
    if not spec:
        return True
    (operator, operand), *_ = spec.items()
    if operator == "andAll":
        return all(matches_filter(part, item) for part in operand)
    if operator == "orAll":
        return any(matches_filter(part, item) for part in operand)
    return OPERATORS[operator](item.attributes().get(operand["key"]), operand["value"])
