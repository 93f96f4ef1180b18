"""Helpers the nodes share for reading the conversation: who spoke, what they asked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage

from community_bot.turns import Author, Quoted

AUTHOR_ID = "author_id"
AUTHOR_NAME = "author_name"
SENT_AT = "sent_at"  # epoch seconds: a follow-up must be recent
REPLY_TO_NAME = "reply_to_name"
REPLY_TO_TEXT = "reply_to_text"
FOLLOW_UP_WORDS = 6
QUOTE_CHARS = 500  # how much of a replied-to message is searched and shown


def human_kwargs(author: Author, sent_at: float, reply_to: Quoted | None = None) -> dict[str, Any]:
    """What a human message records besides its text: who, when, and what it replies to."""
    kwargs: dict[str, Any] = {AUTHOR_ID: author.id, AUTHOR_NAME: author.name, SENT_AT: sent_at}
    if reply_to is not None:
        kwargs[REPLY_TO_NAME] = reply_to.author.name
        kwargs[REPLY_TO_TEXT] = reply_to.text[:QUOTE_CHARS]
    return kwargs


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


def quoted_of(message: BaseMessage) -> tuple[str, str] | None:
    """(author name, text) of the message this one replies to, if it is a reply."""
    text = message.additional_kwargs.get(REPLY_TO_TEXT)
    if not text:
        return None
    return str(message.additional_kwargs.get(REPLY_TO_NAME) or "someone"), str(text)


def is_reply(messages: Sequence[AnyMessage]) -> bool:
    """Whether the newest question is a Discord reply to another message."""
    humans = [m for m in messages if isinstance(m, HumanMessage)]
    return bool(humans) and quoted_of(humans[-1]) is not None


def follow_up_of(messages: Sequence[AnyMessage], window_seconds: float) -> str | None:
    """The text the newest question follows up on, or None when it stands on its own.

    Several people talk in one channel, so a short question is widened only by what it really
    follows: the message it replies to, else the same person's previous question when it was
    asked within `window_seconds` (other members may have spoken in between). Another
    member's question never is.
    """
    humans = [m for m in messages if isinstance(m, HumanMessage)]
    if not humans or len(text_of(humans[-1]).split()) > FOLLOW_UP_WORDS:
        return None
    latest = humans[-1]
    if quoted := quoted_of(latest):
        return quoted[1]
    author = latest.additional_kwargs.get(AUTHOR_ID)
    previous = next(
        (m for m in reversed(humans[:-1]) if m.additional_kwargs.get(AUTHOR_ID) == author), None
    )
    if previous is None:
        return None
    asked, now = previous.additional_kwargs.get(SENT_AT), latest.additional_kwargs.get(SENT_AT)
    recent = asked is not None and now is not None and 0 <= now - asked <= window_seconds
    return text_of(previous) if recent else None
