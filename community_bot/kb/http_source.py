"""A knowledge service reached over plain HTTP, searched beside the local index and Bedrock.

The original bot could point `KB_DIRECT_ENDPOINT` at any HTTP knowledge service with an API key;
such a service keeps answering here as one more `KnowledgeSource` (KB_HTTP_ENDPOINT). The request
is `POST {"query": …, "top_k": k}` with the key in KB_HTTP_API_KEY_HEADER. Answers are read in
the shapes such services return: `{"results": [...]}`, Bedrock's `{"retrievalResults": [...]}`,
or a bare list; each item's text is `text` or `content` (a string or `{"text": …}`), its source
`source`, `url`, `uri` or a Bedrock `location`, its score `score` (rank order when absent).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

import httpx

from community_bot.errors import KnowledgeBaseError
from community_bot.settings import KnowledgeSettings
from community_bot.types import Passage


class HttpKnowledgeSource:
    """Passages from KB_HTTP_ENDPOINT; `origin` is `http:<host>`."""

    def __init__(
        self,
        url: str,
        knowledge: KnowledgeSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._knowledge = knowledge
        self._clock = clock
        self._uncached = itertools.count()
        self._client: httpx.AsyncClient | None = None
        headers = {"Accept": "application/json"}
        if knowledge.kb_http_api_key is not None:
            headers[knowledge.kb_http_api_key_header] = knowledge.kb_http_api_key.get_secret_value()
        self._headers = headers

    @property
    def name(self) -> str:
        return f"http:{urlparse(self.url).netloc}"

    def describe(self) -> str:
        keyed = ", API key" if self._knowledge.kb_http_api_key is not None else ""
        return f"HTTP knowledge service {self.url}{keyed}"

    def version(self) -> str:
        ttl = self._knowledge.kb_cache_ttl_seconds
        return str(next(self._uncached) if ttl == 0 else int(self._clock() // ttl))

    async def search(self, query: str, k: int) -> list[Passage]:
        if not query.strip():
            return []
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._knowledge.kb_timeout_seconds)
        try:
            response = await self._client.post(
                self.url, json={"query": query, "top_k": k}, headers=self._headers
            )
        except httpx.HTTPError as exc:
            raise KnowledgeBaseError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        if response.status_code in (401, 403):
            raise KnowledgeBaseError(
                f"{self.name}: refused ({response.status_code}); check KB_HTTP_API_KEY and"
                " KB_HTTP_API_KEY_HEADER"
            )
        if response.status_code >= 400:
            raise KnowledgeBaseError(f"{self.name}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise KnowledgeBaseError(f"{self.name}: the answer is not JSON") from exc
        return [
            passage
            for rank, item in enumerate(_items(body))
            if (passage := self._passage(item, rank)) is not None
        ][:k]

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _passage(self, item: Any, rank: int) -> Passage | None:
        if not isinstance(item, Mapping):
            return None
        content = item.get("text", item.get("content"))
        if isinstance(content, Mapping):
            content = content.get("text")
        if not isinstance(content, str) or not content.strip():
            return None
        source = _source(item) or self.url
        score = item.get("score")
        return {
            "text": content.strip(),
            "title": str(item.get("title") or source.rsplit("/", 1)[-1] or source),
            "source": source,
            "heading": str(item.get("heading") or ""),
            "score": float(score) if isinstance(score, int | float) else 1.0 / (1 + rank),
            "origin": self.name,
        }


def _items(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, Mapping):
        for key in ("results", "retrievalResults", "documents", "passages"):
            if isinstance(body.get(key), list):
                return list(body[key])
    raise KnowledgeBaseError("HTTP knowledge service: no `results` list in its answer")


def _source(item: Mapping[str, Any]) -> str:
    for key in ("source", "url", "uri"):
        if isinstance(item.get(key), str) and item[key]:
            return str(item[key])
    location = item.get("location")
    if isinstance(location, Mapping):
        for kind, field in (("webLocation", "url"), ("s3Location", "uri")):
            place = location.get(kind)
            if isinstance(place, Mapping) and place.get(field):
                return str(place[field])
    return ""
