"""Wrap the real app to see each turn's FinalReply, which Discord alone cannot show."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from community_bot.status import StatusReport
from community_bot.turns import Author, FinalReply, Quoted, TokenEvent
from runtime.app import App


class RecordingConversation:
    def __init__(self, app: App, notify: Callable[[], None]) -> None:
        self._inner = app.conversation
        self._notify = notify
        self.finals: list[FinalReply] = []
        self.tokens = 0

    async def stream_turn(
        self,
        thread_id: str,
        text: str,
        author: Author,
        profile: str | None = None,
        *,
        reply_to: Quoted | None = None,
    ) -> AsyncIterator[TokenEvent | FinalReply]:
        turn = self._inner.stream_turn(thread_id, text, author, profile, reply_to=reply_to)
        async for event in self._recorded(turn):
            yield event

    async def _recorded(
        self, turn: AsyncIterator[TokenEvent | FinalReply]
    ) -> AsyncIterator[TokenEvent | FinalReply]:
        async for event in turn:
            if isinstance(event, FinalReply):
                self.finals.append(event)
                self._notify()
            else:
                self.tokens += 1
            yield event

    async def stream_unanswered(
        self, thread_id: str, text: str, profile: str | None = None
    ) -> AsyncIterator[TokenEvent | FinalReply]:
        async for event in self._recorded(self._inner.stream_unanswered(thread_id, text, profile)):
            yield event

    async def reset(self, thread_id: str) -> None:
        await self._inner.reset(thread_id)


class RecordingApp:
    """The real app, with its conversation recorded."""

    def __init__(self, app: App, notify: Callable[[], None]) -> None:
        self.app = app
        self.conversation = RecordingConversation(app, notify)

    async def status(self) -> StatusReport:
        return await self.app.status()

    async def record_feedback(self, **kwargs: Any) -> None:
        await self.app.record_feedback(**kwargs)

    async def short_title(self, question: str) -> str:
        return await self.app.short_title(question)

    def record_rate_limited(self) -> None:
        self.app.record_rate_limited()
