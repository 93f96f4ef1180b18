"""A generic HTTP knowledge service, as the original bot's KB_DIRECT_ENDPOINT could name.

`POST /search` with `{"query", "top_k"}` and an API key header; it answers
`{"results": [{"text", "title", "url", "score"}]}` ranked by word overlap, and 401 without the
right key. Requests are recorded so tests can check what the bot sent.

    with HttpKnowledgeEmulator(api_key="k") as service:
        service.add("Game night is on Fridays.", "https://wiki.example/events", "Events")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.emulators.bedrock_agent_runtime import overlap
from tests.emulators.bedrock_runtime import ThreadedEmulator


@dataclass(frozen=True)
class Entry:
    text: str
    url: str
    title: str


@dataclass(frozen=True)
class Received:
    body: dict[str, Any]
    headers: dict[str, str]


class HttpKnowledgeEmulator(ThreadedEmulator):
    """`POST /search`, guarded by `header: api_key`."""

    def __init__(self, *, api_key: str = "emulator-key", header: str = "x-api-key") -> None:
        super().__init__()
        self.api_key = api_key
        self.header = header
        self.entries: list[Entry] = []
        self.requests: list[Received] = []

    @property
    def endpoint(self) -> str:
        return f"{self.url}/search"

    def add(self, text: str, url: str, title: str) -> None:
        self.entries.append(Entry(text, url, title))

    def reset(self) -> None:
        self.entries.clear()
        self.requests.clear()

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/search", self._search)
        return app

    async def _search(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(Received(body, dict(request.headers)))
        if request.headers.get(self.header) != self.api_key:
            return web.json_response({"error": "unauthorized"}, status=401)
        query = str(body.get("query", ""))
        scored = sorted(
            ((overlap(query, e.text), e) for e in self.entries), key=lambda p: p[0], reverse=True
        )
        results = [
            {"text": e.text, "title": e.title, "url": e.url, "score": score}
            for score, e in scored[: int(body.get("top_k", 5))]
            if score > 0
        ]
        return web.json_response({"results": results})
