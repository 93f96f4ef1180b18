"""A scripted stand-in for the app: deterministic tokens, one memory per thread id.

It satisfies `discord_bot.backend.Backend`, so the runtime under test is exactly the production
one; only the answers are predictable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from community_bot.status import ModelStatus, StatusReport
from community_bot.text.splitting import split_reply
from community_bot.turns import Author, FinalReply, Quoted, TokenEvent
from community_bot.types import Citation

Answer = Callable[[str, str, list[tuple[str, str]]], str]  # (thread, text, history) -> reply


def echo(thread_id: str, text: str, history: list[tuple[str, str]]) -> str:
    """Quote the question and how many earlier questions this thread remembers."""
    return f"Answer to: {text} (remembered {len(history)})"


@dataclass
class ScriptedConversation:
    answer: Answer = echo
    limit: int = 1800
    citations: list[Citation] = field(default_factory=list)
    # Awaited between tokens: tests use it to hold a stream at a chosen point (never a sleep).
    between_tokens: Callable[[str, int], Awaitable[None]] | None = None
    words_per_token: int = 1
    memory: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    turns: list[tuple[str, str, Author, str | None]] = field(default_factory=list)
    notify: Callable[[], None] = lambda: None  # tests pass the emulator's change signal
    fail_with: Exception | None = None
    resets: list[str] = field(default_factory=list)
    reset_fails_with: Exception | None = None
    replies_to: list[Quoted | None] = field(default_factory=list)  # per turn, as turns

    async def stream_turn(
        self,
        thread_id: str,
        text: str,
        author: Author,
        profile: str | None = None,
        *,
        reply_to: Quoted | None = None,
    ) -> AsyncIterator[TokenEvent | FinalReply]:
        history = self.memory.setdefault(thread_id, [])
        self.turns.append((thread_id, text, author, profile))
        self.replies_to.append(reply_to)
        self.notify()
        if self.fail_with is not None:
            raise self.fail_with
        reply = self.answer(thread_id, text, list(history))
        words = reply.split(" ")
        for index in range(0, len(words), self.words_per_token):
            piece = " ".join(words[index : index + self.words_per_token])
            yield TokenEvent(piece if index == 0 else " " + piece)
            if self.between_tokens is not None:
                await self.between_tokens(thread_id, index)
            else:
                await asyncio.sleep(0)
        history.append((author.name, text))
        yield FinalReply(
            chunks=split_reply(reply, self.limit),
            citations=self.citations,
            run_id=f"run-{len(self.turns)}",
            thread_id=thread_id,
        )

    async def stream_unanswered(
        self, thread_id: str, text: str, profile: str | None = None
    ) -> AsyncIterator[TokenEvent | FinalReply]:
        """Nothing waits here: a scripted turn never outlives its process."""
        nothing: tuple[TokenEvent | FinalReply, ...] = ()
        for event in nothing:
            yield event

    async def reset(self, thread_id: str) -> None:
        if self.reset_fails_with is not None:
            raise self.reset_fails_with
        self.memory.pop(thread_id, None)
        self.resets.append(thread_id)
        self.notify()


@dataclass
class ScriptedBackend:
    conversation: ScriptedConversation = field(default_factory=ScriptedConversation)
    feedback: list[tuple[str, str | None, str, int]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    rate_limited: int = 0
    title_gate: asyncio.Event | None = None  # when set, titles wait for it (thread-mode tests)

    async def status(self) -> StatusReport:
        return StatusReport(
            models=[ModelStatus("small", "retrieval-only", True)],
            knowledge_sources=["local: knowledge/"],
            started_at=datetime.now(UTC),
            cost_today_usd=0.0,
        )

    async def record_feedback(
        self, *, thread_id: str, run_id: str | None, user_id: str, score: int
    ) -> None:
        self.feedback.append((thread_id, run_id, user_id, score))
        self.conversation.notify()

    async def short_title(self, question: str) -> str:
        if self.title_gate is not None:
            await self.title_gate.wait()
        title = "Title: " + " ".join(question.split()[:4])
        self.titles.append(title)
        return title

    def record_rate_limited(self) -> None:
        self.rate_limited += 1
