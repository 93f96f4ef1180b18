"""The conversation as the outside world sees it: send a turn into a thread, stream the reply.

Runtimes (terminal chat, Discord) only use this facade. It knows nothing about Discord; Discord
knows nothing about models or the knowledge base.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from community_bot.types import Citation, RetrievalOutcome, RouteDecision, TurnRecord


@dataclass(frozen=True)
class Author:
    """Who wrote a human message; kept on the message so shared channels stay readable."""

    id: str
    name: str


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the answer as the model produces it."""

    text: str


@dataclass(frozen=True)
class FinalReply:
    """The finished turn: the answer split for Discord, its sources and its accounting."""

    chunks: list[str]
    citations: list[Citation] = field(default_factory=list)
    route: RouteDecision | None = None
    turn: TurnRecord | None = None
    retrieval: RetrievalOutcome | None = None
    run_id: str | None = None

    @property
    def text(self) -> str:
        return "".join(self.chunks)


TurnEvent = TokenEvent | FinalReply


class ConversationNotReady(RuntimeError):
    """Placeholder until the graph-backed implementation lands."""


class Conversation:
    """Runs turns of the conversation graph; one checkpointed thread per channel."""

    async def stream_turn(
        self, thread_id: str, text: str, author: Author, profile: str | None = None
    ) -> AsyncIterator[TurnEvent]:
        """Yield TokenEvents as the answer is generated, then exactly one FinalReply."""
        raise ConversationNotReady
        yield  # pragma: no cover

    async def ask(
        self, thread_id: str, text: str, author: Author, profile: str | None = None
    ) -> FinalReply:
        """Run one turn and return only its final reply."""
        final: FinalReply | None = None
        async for event in self.stream_turn(thread_id, text, author, profile):
            if isinstance(event, FinalReply):
                final = event
        assert final is not None
        return final

    async def reset(self, thread_id: str) -> None:
        """Forget a thread's conversation."""
        raise ConversationNotReady
