"""What the Discord runtime's Backend does when the graph runs elsewhere (AgentCore Runtime, a
LangGraph server): the parts that stay in the Discord process.

The turn's FinalReply carries its accounting, so this process records the ledger row (on
DATABASE_URL when set; AgentCore's runtime on the same database writes the same run id, and the
row is upserted, not doubled) and 👍/👎 point at it. `/status` names where turns run; titles are
the question's first words (the models are remote).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from community_bot.errors import CommunityBotError
from community_bot.ledger import TurnLedger
from community_bot.observability.telemetry import ledger_row
from community_bot.status import StatusReport
from community_bot.turns import Author, FinalReply, Quoted, TurnEvent, with_reply_context

log = logging.getLogger(__name__)

TITLE_WORDS = 6


class RemoteTurnError(CommunityBotError):
    """A turn the remote graph (AgentCore Runtime, LangGraph server) could not complete."""


class ThinConversation:
    """ConversationLike over a remote runtime: subclasses run one turn there (`_turn`); this
    class puts a replied-to message in front of the text and records each reply's ledger row."""

    _records: ThinClient

    def stream_turn(
        self,
        thread_id: str,
        text: str,
        author: Author,
        profile: str | None = None,
        *,
        reply_to: Quoted | None = None,
    ) -> AsyncIterator[TurnEvent]:
        if reply_to is not None:  # the remote graph takes text: the replied-to message leads it
            text = with_reply_context(text, reply_to.author.name, reply_to.text)
        turn = self._turn(thread_id, text, author, profile)
        return self._records.recorded(turn, thread_id, author)

    async def stream_unanswered(
        self, thread_id: str, text: str, profile: str | None = None
    ) -> AsyncIterator[TurnEvent]:
        """Nothing: the remote runtime keeps its own unanswered questions, out of reach here, so
        the Discord runtime asks a question cut off by its own crash anew."""
        nothing: tuple[TurnEvent, ...] = ()  # an async generator that yields nothing
        for event in nothing:
            yield event

    def _turn(
        self, thread_id: str, text: str, author: Author, profile: str | None
    ) -> AsyncIterator[TurnEvent]:
        raise NotImplementedError


class ThinClient:
    """The Backend's non-conversation half, shared by the remote backends."""

    def __init__(self, ledger: TurnLedger, where: str) -> None:
        self._ledger = ledger
        self._where = where
        self._started_at = datetime.now(UTC)

    async def recorded(
        self, events: AsyncIterator[TurnEvent], thread_id: str, author: Author
    ) -> AsyncIterator[TurnEvent]:
        """`events`, recording the FinalReply's ledger row as it passes."""
        async for event in events:
            if isinstance(event, FinalReply) and event.turn is not None:
                try:
                    self._ledger.record_turn(ledger_row(event, thread_id, author))
                except Exception:  # the answer is written; a record must not cost it
                    log.exception("could not record turn %s in %s", event.run_id, thread_id)
            yield event

    async def status(self) -> StatusReport:
        turns, cost = self._ledger.today()
        return StatusReport([], [], self._started_at, cost, turns, [f"answered by {self._where}"])

    async def record_feedback(
        self, *, thread_id: str, run_id: str | None, user_id: str, score: int
    ) -> None:
        if run_id is not None:
            self._ledger.record_feedback(run_id, thread_id, user_id, score)

    async def short_title(self, question: str) -> str:
        """The question's first words (the models are remote)."""
        return (" ".join(question.split()[:TITLE_WORDS]) or "Question")[:100]

    def record_rate_limited(self) -> None:
        log.info("message refused by the rate limit")
