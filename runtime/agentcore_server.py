"""The conversation graph behind the Amazon Bedrock AgentCore Runtime contract.

`community-bot agentcore serve` runs the SDK's `BedrockAgentCoreApp`: `GET /ping` answers
healthy, `POST /invocations` takes `{"prompt": "...", "author_id", "author_name", "profile"}`
and streams server-sent events as the SDK streams an async generator: `{"token": "..."}` while
the answer is written, then `{"reply": {...}}` (a FinalReply). The session header
(`X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`) selects the conversation thread. `{"action":
"reset"}` forgets the session's thread (`/reset`). A failing turn ends the stream with the SDK's
`{"error", "error_type", "message"}` event, which the client reports.

The SDK runs async handlers on a worker event loop of its own (so /ping stays responsive), so
the app (checkpointer, pools) is opened there on the first invocation and closed at shutdown.
Memory is wherever the settings say: SQLite in the container, or DATABASE_URL (docs/agentcore.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict
from typing import Any

from community_bot.settings import Settings
from community_bot.turns import Author, FinalReply, TokenEvent
from runtime.agentcore_session import thread_of
from runtime.app import App, open_app

log = logging.getLogger(__name__)

NO_SESSION = "agentcore:no-session"  # a local call without the header: one shared thread
CLOSE_WAIT_S = 30.0


class _OpenedApp:
    """The app, opened on the worker loop at the first invocation."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stack: AsyncExitStack | None = None
        self._app: App | None = None
        self._opening: asyncio.Lock | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def get(self) -> App:
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._app is None:
                stack = AsyncExitStack()
                self._app = await stack.enter_async_context(open_app(self._settings))
                self._stack, self.loop = stack, asyncio.get_running_loop()
            return self._app

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = self._app = None


def build_agentcore_app(settings: Settings) -> Any:
    """The SDK's Starlette app serving the graph (`bedrock_agentcore.BedrockAgentCoreApp`)."""
    from bedrock_agentcore.runtime import BedrockAgentCoreApp, RequestContext

    opened = _OpenedApp(settings)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        if opened.loop is not None:  # close on the loop the app was opened on
            done = asyncio.run_coroutine_threadsafe(opened.close(), opened.loop)
            await asyncio.wrap_future(done)

    app = BedrockAgentCoreApp(lifespan=lifespan)

    @app.entrypoint
    async def invoke(payload: dict[str, Any], context: RequestContext) -> AsyncIterator[Any]:
        thread_id = thread_of(context.session_id) if context.session_id else NO_SESSION
        bot = await opened.get()
        if payload.get("action") == "reset":
            await bot.conversation.reset(thread_id)
            yield {"reset": thread_id}
            return
        prompt = payload.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError('the payload needs "prompt": the question, as text')
        author = Author(
            id=str(payload.get("author_id", "agentcore")),
            name=str(payload.get("author_name", "AgentCore caller")),
        )
        profile = payload.get("profile")
        stream = bot.conversation.stream_turn(
            thread_id, prompt, author, profile if isinstance(profile, str) else None
        )
        async for event in stream:
            if isinstance(event, TokenEvent):
                yield {"token": event.text}
            elif isinstance(event, FinalReply):
                yield {"reply": asdict(event)}

    return app


def serve(settings: Settings, port: int, host: str | None) -> None:
    """Serve until stopped (uvicorn, as the SDK runs it)."""
    app = build_agentcore_app(settings)
    app.run(port=port, host=host)
