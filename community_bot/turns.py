"""What one turn looks like to the outside world: who spoke, the streamed pieces of the answer,
the final reply. Plain data shared by the runtimes, observability and the Discord adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from community_bot.types import Citation, RetrievalOutcome, RouteDecision, TurnRecord


@dataclass(frozen=True)
class Author:
    """Who wrote a human message; kept on the message so shared channels stay readable."""

    id: str
    name: str


@dataclass(frozen=True)
class Quoted:
    """The message a question replies to (a Discord reply): the strongest sign of what the
    question is about, so it is searched with a short question and shown to the model."""

    author: Author
    text: str


def with_reply_context(text: str, name: str, said: str) -> str:
    """A question with the message it replies to in front, as the model is shown it (the local
    prompt and the remote runtimes, which take plain text, read the same form)."""
    return f'(replying to {name}: "{said}")\n{text}'


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
    thread_id: str = ""
    elapsed_ms: float = 0.0

    @property
    def text(self) -> str:
        return "".join(self.chunks)


TurnEvent = TokenEvent | FinalReply
ReplyListener = Callable[[FinalReply], None]
