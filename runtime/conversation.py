"""The conversation as the outside world sees it: send a turn into a thread, stream the reply.

Runtimes (terminal chat, Discord) only use this facade. It knows nothing about Discord; Discord
knows nothing about models or the knowledge base. One checkpointed graph thread per channel.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol, cast

from langchain_core.messages import AnyMessage, HumanMessage
from langchain_core.runnables import RunnableConfig

from community_bot import transcripts
from community_bot.pending import PendingQuestions
from community_bot.thread_lock import ThreadLocks
from community_bot.turn_claim import turn_claims
from community_bot.turns import Author, FinalReply, Quoted, ReplyListener, TokenEvent, TurnEvent
from nodes.context import Context
from nodes.history import AUTHOR_ID, human_kwargs, speaker_of, text_of

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver

    from graph.builder import Graph
    from nodes.services import Services

log = logging.getLogger(__name__)

EMPTY_QUESTION = "Your message was empty: ask me a question and I will look it up."


class TurnObserver(Protocol):
    """Watches turns for logs, metrics and traces.

    `watch` spans the whole turn, exceptions included; the listener it yields hears the reply.
    """

    def watch(
        self, run_id: str, thread_id: str, question: str, author: Author, profile: str | None
    ) -> AbstractContextManager[ReplyListener]: ...


def _unobserved(_reply: FinalReply) -> None:
    """The listener of a conversation nobody observes."""


class Conversation:
    """Runs turns of the conversation graph; one checkpointed thread per channel.

    Each turn is saved once, when it ends. The app's checkpointer (`community_bot.checkpoints`)
    keeps only a thread's latest checkpoint, dropping older ones as it saves. Before that the
    question itself is saved (`community_bot.pending`), so a crash mid-answer forgets nothing,
    and a turn holds its thread's lock (`community_bot.thread_lock`) from before it reads the
    history to after it saves, so concurrent writers, in any process, never drop a turn. The
    lock and the saved question are taken and let go together (`community_bot.turn_claim`).
    """

    def __init__(
        self,
        graph: Graph,
        services: Services,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        observer: TurnObserver | None = None,
        locks: ThreadLocks | None = None,
        pending: PendingQuestions | None = None,
    ) -> None:
        self._graph = graph
        self._services = services
        self._checkpointer = checkpointer
        self._observer = observer
        self._locks = locks
        self._pending = pending
        self._claims = turn_claims(locks, pending)

    async def stream_turn(
        self,
        thread_id: str,
        text: str,
        author: Author,
        profile: str | None = None,
        *,
        reply_to: Quoted | None = None,
    ) -> AsyncIterator[TurnEvent]:
        """Yield TokenEvents as the answer is generated, then exactly one FinalReply.

        `reply_to` is the message the question replies to (searched with a short question and
        shown to the model as context).

        The FinalReply comes as soon as the reply is split; memory upkeep that follows (the
        running summary, dropping the thread's superseded checkpoints) finishes before this
        generator ends, so the next turn sees it. Raises `ThreadBusyError` (nothing saved) when
        another turn, in any process, holds the thread past THREAD_LOCK_TIMEOUT_SECONDS. An
        empty or blank message is answered here, without the graph or a model.
        """
        run_id = str(uuid.uuid4())  # the root run of the turn's trace; feedback points at it
        if not text.strip():  # nothing to answer: no model call, nothing paid, nothing saved
            yield TokenEvent(EMPTY_QUESTION)
            yield FinalReply(chunks=[EMPTY_QUESTION], citations=[], thread_id=thread_id)
            return
        watch = (
            self._observer.watch(run_id, thread_id, text, author, profile)
            if self._observer is not None
            else nullcontext(_unobserved)
        )
        human = HumanMessage(
            content=text,
            additional_kwargs=human_kwargs(author, time.time(), reply_to),
            id=str(uuid.uuid4()),
        )
        with watch as answered:
            # Saved before any model is called; a question left by a crashed turn comes along.
            async with self._claims.claim(thread_id, human) as claim:
                asked: list[AnyMessage] = [*cast(list[AnyMessage], claim.carried), human]
                async for event in self._run_graph(run_id, thread_id, asked, author, profile):
                    if isinstance(event, FinalReply):
                        answered(event)
                    yield event
                claim.answered = True  # the checkpoint holding the answer is saved

    async def stream_unanswered(
        self, thread_id: str, text: str, profile: str | None = None
    ) -> AsyncIterator[TurnEvent]:
        """Answer `text` when it is the question a crashed turn left unanswered (`unanswered`),
        as `stream_turn` would have, without asking it again: it is saved already, so it enters
        memory once. Yields nothing when another question, or none, is waiting (then ask it
        with `stream_turn`); raises `ThreadBusyError` as `stream_turn` does."""
        run_id = str(uuid.uuid4())
        async with self._hold(thread_id):
            waiting = await self._pending.pending(thread_id) if self._pending is not None else []
            question = waiting[-1] if waiting else None
            if not isinstance(question, HumanMessage) or text_of(question) != text:
                return
            author = Author(
                id=str(question.additional_kwargs.get(AUTHOR_ID, "")),
                name=speaker_of(question) or "someone",
            )
            watch = (
                self._observer.watch(run_id, thread_id, text, author, profile)
                if self._observer is not None
                else nullcontext(_unobserved)
            )
            # Saved by the crashed turn: sent as they are, not saved again.
            asked = cast(list[AnyMessage], waiting)
            with watch as answered:
                async for event in self._run_graph(run_id, thread_id, asked, author, profile):
                    if isinstance(event, FinalReply):
                        answered(event)
                    yield event
            if self._pending is not None:  # the checkpoint holding the answer is saved
                await self._pending.answered(thread_id)

    def _hold(self, thread_id: str) -> AbstractAsyncContextManager[None]:
        return self._locks.hold(thread_id) if self._locks is not None else nullcontext()

    async def _run_graph(
        self,
        run_id: str,
        thread_id: str,
        asked: list[AnyMessage],
        author: Author,
        profile: str | None,
    ) -> AsyncIterator[TurnEvent]:
        started = time.perf_counter()
        config: RunnableConfig = {
            "configurable": {"thread_id": thread_id},
            "metadata": {"channel": thread_id, "author_id": author.id, "profile": profile},
        }
        context = Context(profile=profile, services=self._services)
        collected: dict[str, Any] = {}
        async for mode, payload in self._graph.astream(
            {"messages": asked},
            config,
            context=context,
            stream_mode=["custom", "updates"],
            durability="exit",
        ):
            chunk = cast(dict[str, Any], payload)
            if mode == "custom":
                if token := chunk.get("token"):
                    yield TokenEvent(token)
                continue
            for node, update in chunk.items():
                collected.update(update or {})
                if node == "split_reply":
                    final = FinalReply(
                        chunks=collected["reply_chunks"],
                        citations=collected.get("citations", []),
                        route=collected.get("route"),
                        turn=collected.get("turn"),
                        retrieval=collected.get("retrieval"),
                        run_id=run_id,
                        thread_id=thread_id,
                        elapsed_ms=(time.perf_counter() - started) * 1000,
                    )
                    yield final

    async def ask(
        self, thread_id: str, text: str, author: Author, profile: str | None = None
    ) -> FinalReply:
        """Run one turn and return only its final reply."""
        final: FinalReply | None = None
        async for event in self.stream_turn(thread_id, text, author, profile):
            if isinstance(event, FinalReply):
                final = event
        if final is None:  # the graph always ends in split_reply; this guards refactors
            raise RuntimeError("the conversation graph ended without a reply")
        return final

    async def reset(self, thread_id: str) -> None:
        """Forget a thread's conversation (checkpoints, transcript, unanswered questions)."""
        async with self._hold(thread_id):
            if self._checkpointer is not None:
                await self._checkpointer.adelete_thread(thread_id)
            if self._graph.store is not None:
                await transcripts.forget(self._graph.store, thread_id)
            if self._pending is not None:
                await self._pending.answered(thread_id)

    async def history(self, thread_id: str) -> list[Any]:
        """All messages of a thread, oldest first: the transcript, the checkpoint's, then any
        question a crashed turn left unanswered."""
        snapshot = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        live = list(snapshot.values.get("messages", []))
        seen = {m.id for m in live}
        waiting = await self._pending.pending(thread_id) if self._pending is not None else []
        unanswered = [m for m in waiting if m.id not in seen]
        store = self._graph.store
        if store is None:
            return [*live, *unanswered]
        return [*await transcripts.archived_messages(store, thread_id), *live, *unanswered]

    async def unanswered(self, thread_id: str) -> HumanMessage | None:
        """The thread's last question when no answer to it was saved (its turn crashed or is
        still running), else None; e.g. for a runtime resuming after a restart."""
        questions = await self._pending.pending(thread_id) if self._pending is not None else []
        last = questions[-1] if questions else None
        return last if isinstance(last, HumanMessage) else None
