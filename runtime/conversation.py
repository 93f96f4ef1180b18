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

from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from community_bot import transcripts
from community_bot.turns import Author, FinalReply, ReplyListener, TokenEvent, TurnEvent
from nodes.context import Context
from nodes.history import AUTHOR_ID, AUTHOR_NAME

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver

    from graph.builder import Graph
    from nodes.services import Services

log = logging.getLogger(__name__)


class TurnObserver(Protocol):
    """Watches turns for logs, metrics and traces.

    `watch` spans the whole turn, exceptions included; the listener it yields hears the reply.
    """

    def watch(
        self, run_id: str, thread_id: str, question: str, author: Author, profile: str | None
    ) -> AbstractContextManager[ReplyListener]: ...


class TurnLocks(Protocol):
    """One turn at a time per thread, across every process sharing the memory.

    `hold` waits a bounded time for the thread, then raises (e.g. PostgreSQL's advisory locks,
    `community_bot.storage.pg_thread_lock`).
    """

    def hold(self, thread_id: str) -> AbstractAsyncContextManager[None]: ...


def _unobserved(_reply: FinalReply) -> None:
    """The listener of a conversation nobody observes."""


class Conversation:
    """Runs turns of the conversation graph; one checkpointed thread per channel.

    Each turn is saved once, when it ends. The app's checkpointer (`community_bot.checkpoints`)
    keeps only a thread's latest checkpoint, dropping older ones as it saves.
    """

    def __init__(
        self,
        graph: Graph,
        services: Services,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        observer: TurnObserver | None = None,
        *,
        locks: TurnLocks | None = None,
    ) -> None:
        self._graph = graph
        self._services = services
        self._checkpointer = checkpointer
        self._observer = observer
        self._locks = locks

    async def stream_turn(
        self, thread_id: str, text: str, author: Author, profile: str | None = None
    ) -> AsyncIterator[TurnEvent]:
        """Yield TokenEvents as the answer is generated, then exactly one FinalReply.

        The FinalReply comes as soon as the reply is split; memory upkeep that follows (the
        running summary, dropping the thread's superseded checkpoints) finishes before this
        generator ends, so the next turn sees it.
        """
        run_id = str(uuid.uuid4())  # the root run of the turn's trace; feedback points at it
        watch = (
            self._observer.watch(run_id, thread_id, text, author, profile)
            if self._observer is not None
            else nullcontext(_unobserved)
        )
        # Held from reading the thread's checkpoint to saving the next: no turn is lost to a
        # concurrent one in another process.
        held = self._locks.hold(thread_id) if self._locks is not None else nullcontext()
        with watch as answered:
            async with held:
                async for event in self._run_graph(run_id, thread_id, text, author, profile):
                    if isinstance(event, FinalReply):
                        answered(event)
                    yield event

    async def _run_graph(
        self, run_id: str, thread_id: str, text: str, author: Author, profile: str | None
    ) -> AsyncIterator[TurnEvent]:
        started = time.perf_counter()
        config: RunnableConfig = {
            "configurable": {"thread_id": thread_id},
            "metadata": {"channel": thread_id, "author_id": author.id, "profile": profile},
        }
        human = HumanMessage(
            content=text, additional_kwargs={AUTHOR_ID: author.id, AUTHOR_NAME: author.name}
        )
        context = Context(profile=profile, services=self._services)
        collected: dict[str, Any] = {}
        async for mode, payload in self._graph.astream(
            {"messages": [human]},
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
        """Forget a thread's conversation (its checkpoints and transcript), e.g. for `/reset`."""
        if self._checkpointer is not None:
            await self._checkpointer.adelete_thread(thread_id)
        if self._graph.store is not None:
            await transcripts.forget(self._graph.store, thread_id)

    async def history(self, thread_id: str) -> list[Any]:
        """All messages of a thread, oldest first: the transcript, then the checkpoint's."""
        snapshot = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        live = list(snapshot.values.get("messages", []))
        if self._graph.store is None:
            return live
        return [*await transcripts.archived_messages(self._graph.store, thread_id), *live]
