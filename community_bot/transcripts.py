"""A channel's older messages, kept outside the checkpoint in LangGraph's store.

The checkpoint is loaded and saved whole on every turn, so it holds only the live part of a
conversation: the prompt window and the running summary. Messages that the summary has absorbed
move here, in batches, so `/history`-style reads still see every message while a turn's cost
stays flat however long a channel talks (`python -m bench --only memory`).
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage, messages_from_dict, messages_to_dict
from langgraph.store.base import BaseStore, SearchItem

NAMESPACE = "transcripts"
PAGE = 100


def namespace_of(thread_id: str) -> tuple[str, str]:
    return (NAMESPACE, thread_id)


async def archive(
    store: BaseStore, thread_id: str, first_index: int, messages: Sequence[BaseMessage]
) -> None:
    """Append a batch; its key is the position of its first message in the whole conversation,
    zero-padded so that key order is conversation order."""
    value = {"messages": messages_to_dict(list(messages))}
    await store.aput(namespace_of(thread_id), f"{first_index:012d}", value, index=False)


async def archived_messages(store: BaseStore, thread_id: str) -> list[BaseMessage]:
    """Every archived message of the thread, oldest first."""
    items: list[SearchItem] = []
    while page := await store.asearch(namespace_of(thread_id), limit=PAGE, offset=len(items)):
        items.extend(page)
    messages: list[BaseMessage] = []
    for item in sorted(items, key=lambda item: item.key):
        messages.extend(messages_from_dict(item.value["messages"]))
    return messages


async def forget(store: BaseStore, thread_id: str) -> None:
    """Delete the thread's archive (for `/reset`)."""
    while page := await store.asearch(namespace_of(thread_id), limit=PAGE):
        for item in page:
            await store.adelete(item.namespace, item.key)
