"""The conversation state: the live message history plus what each node decided this turn.

Messages accumulate through `add_messages` until the running summary absorbs them; then they move
to the thread's transcript in the store (`nodes.summarize_memory`), so the checkpoint stays the
size of the prompt window. Everything else describes the current turn and is overwritten by the
next one. Runtimes send only `messages` (the narrow input state) and read the reply keys (the
output state).
"""

from __future__ import annotations

from typing import Annotated, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.channels.untracked_value import UntrackedValue
from langgraph.graph.message import add_messages

from community_bot.types import Citation, Passage, RetrievalOutcome, RouteDecision, TurnRecord


class InputState(TypedDict):
    """What a turn brings in: the new human message."""

    messages: Annotated[list[AnyMessage], add_messages]


class OutputState(TypedDict, total=False):
    """What a runtime reads back after a turn."""

    reply_chunks: list[str]
    citations: list[Citation]
    route: RouteDecision
    turn: TurnRecord
    retrieval: RetrievalOutcome


class Memory(TypedDict, total=False):
    """What the thread remembers besides its messages."""

    summary: str  # running summary of messages that fell out of the prompt window
    summarized_until: int  # number of leading messages the summary covers
    archived: int  # messages moved to the transcript so far: the next batch's position


class State(InputState, OutputState, Memory, total=False):
    """Everything the nodes share inside one thread; the schema of the Studio graph, whose
    checkpoints keep the turn's working values too, so a run can be inspected, and resumed or
    forked from any step, with the prompt it had."""

    system_prompt: str
    window: list[AnyMessage]  # the history the model sees this turn
    passages: list[Passage]


class BotState(InputState, OutputState, Memory, total=False):
    """`State` as the bot runs it: the turn's working values are never checkpointed, since a
    checkpoint is read and written whole every turn and the window alone repeats up to
    MEMORY_MAX_MESSAGES messages."""

    system_prompt: Annotated[str, UntrackedValue(str)]
    window: Annotated[list[AnyMessage], UntrackedValue(list)]
    passages: Annotated[list[Passage], UntrackedValue(list)]
