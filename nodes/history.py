"""Helpers the nodes share for reading the conversation: who spoke, what they asked."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage

AUTHOR_ID = "author_id"
AUTHOR_NAME = "author_name"


def text_of(message: BaseMessage) -> str:
    """Plain text of a message whatever its content shape (str or content blocks)."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [block.get("text", "") if isinstance(block, dict) else str(block) for block in content]
    return "".join(str(part) for part in parts)


def speaker_of(message: BaseMessage) -> str | None:
    """The display name recorded on a human message, if any."""
    name = message.additional_kwargs.get(AUTHOR_NAME) or message.name
    return str(name) if name else None


def human_texts(messages: Sequence[AnyMessage]) -> list[str]:
    """Texts of the human messages, oldest first."""
    return [text_of(m) for m in messages if isinstance(m, HumanMessage)]


def latest_question(messages: Sequence[AnyMessage]) -> str:
    """The newest human message: what this turn answers."""
    texts = human_texts(messages)
    return texts[-1] if texts else ""


def previous_question(messages: Sequence[AnyMessage]) -> str | None:
    """The human message before the newest one, for follow-ups like "and on Windows?"."""
    texts = human_texts(messages)
    return texts[-2] if len(texts) >= 2 else None
