"""The narrow slice of the app facade the Discord runtime uses.

Typed as a Protocol so the runtime depends on what it calls, not on how the app is built: the real
`runtime.app.App` satisfies it, and tests can drive the runtime with a small scripted fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from community_bot.status import StatusReport
from community_bot.turns import Author, FinalReply, Quoted, TokenEvent


class ConversationLike(Protocol):
    """Turns in, streamed replies out; one memory per thread id."""

    def stream_turn(
        self,
        thread_id: str,
        text: str,
        author: Author,
        profile: str | None = None,
        *,
        reply_to: Quoted | None = None,
    ) -> AsyncIterator[TokenEvent | FinalReply]: ...

    def stream_unanswered(
        self, thread_id: str, text: str, profile: str | None = None
    ) -> AsyncIterator[TokenEvent | FinalReply]:
        """Answer `text` when a turn cut off by a crash left it unanswered, without asking it
        again; nothing when it is not what waits (then it is asked with `stream_turn`)."""
        ...

    async def reset(self, thread_id: str) -> None: ...


class Backend(Protocol):
    """What the runtime needs from the opened app."""

    @property
    def conversation(self) -> ConversationLike: ...

    async def status(self) -> StatusReport: ...

    async def record_feedback(
        self, *, thread_id: str, run_id: str | None, user_id: str, score: int
    ) -> None:
        """Store a vote: +1, -1, or 0 when the member took their reaction back."""
        ...

    async def short_title(self, question: str) -> str: ...

    def record_rate_limited(self) -> None:
        """Count a message refused by the rate limit (metrics)."""
        ...
