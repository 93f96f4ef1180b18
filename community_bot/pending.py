"""Questions accepted but not yet answered, saved before any model is called.

A turn's checkpoint is saved when the turn ends, so a process killed mid-answer (`kill -9`, a
power cut, an OOM kill) used to forget the question as if it had never been asked. The facade
now writes the question here first, in the same store as the transcripts, and deletes it once
the turn's checkpoint is saved. Whatever is left is a question nobody answered: the next turn on
that thread carries it into memory (same message id, so a question that did reach the checkpoint
is not repeated), `Conversation.history` shows it, and `Conversation.unanswered` lets a runtime
offer to answer it after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage, messages_from_dict, messages_to_dict
from langgraph.store.base import BaseStore

NAMESPACE = "pending"
KEY = "questions"


async def remember(store: BaseStore, thread_id: str, questions: Sequence[BaseMessage]) -> None:
    """Save the thread's unanswered questions (all of them: one write replaces the last)."""
    value = {"messages": messages_to_dict(list(questions))}
    await store.aput((NAMESPACE, thread_id), KEY, value, index=False)


async def pending(store: BaseStore, thread_id: str) -> list[BaseMessage]:
    """The thread's unanswered questions, oldest first; empty when every question was answered."""
    item = await store.aget((NAMESPACE, thread_id), KEY)
    return messages_from_dict(item.value["messages"]) if item is not None else []


async def answered(store: BaseStore, thread_id: str) -> None:
    """The turn is saved: nothing of this thread is pending any more."""
    await store.adelete((NAMESPACE, thread_id), KEY)
