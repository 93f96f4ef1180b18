"""Everything the bot says on its own behalf, plus the compact sources line.

Kept in one place so the tone stays consistent and tests can compare against the same strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from community_bot.settings import DISCORD_MESSAGE_LIMIT
from community_bot.text.fences import balance_fences
from community_bot.text.splitting import join_chunks
from community_bot.types import Citation

TINY_CHUNK_CHARS = 100  # a last message this short goes back into the one before, if it fits
_BLANK_BEFORE_CLOSER = re.compile(r"\n\n([ \t]*(?:`{3,}|~{3,}))$")

TURN_FAILED = "Sorry, I couldn't answer that. Please try again in a moment."
RESET_DONE = "Done: I've forgotten this channel's conversation."
RESET_BUSY = (
    "I'm still answering in this channel, so I haven't forgotten anything yet. "
    "Please run /reset again in a moment."
)
RESET_FAILED = (
    "I couldn't reset my memory of this channel just now (the reason is in my log). "
    "Please run /reset again in a moment."
)
RESET_REFUSED = "Only members with the Manage Messages permission can reset my memory here."
DMS_DISABLED = "I only answer in the server's channels."
EMPTY_QUESTION = "Ask me something and I'll look it up."
FILES_NOT_READ = (
    "I can't read attached files like that yet; please paste the relevant part as text "
    "(text files such as .txt, .md, .py or logs I do read)."
)
CHIT_CHAT_REACTION = "🙂"
INTERRUPTED = (
    "-# ⚠️ I was interrupted (restarted) before finishing this answer. "
    "Please ask again if you still need it."
)
ANSWERING_AGAIN = (
    "-# ⚠️ I was interrupted (restarted) before finishing this answer, so I'm answering again."
)
THREAD_BUSY = "I'm still finishing another answer in this channel; yours comes right after."
THREAD_STILL_BUSY = (
    "Sorry, another answer in this channel kept me waiting too long, so I couldn't get to "
    "yours. Please ask again in a few minutes."
)


def some_files_not_read(names: Sequence[str]) -> str:
    return f"I can't read {', '.join(names)} yet, so I answered from your message alone."


def answers_elsewhere(channel_ids: Sequence[int]) -> str:
    places = ", ".join(f"<#{channel_id}>" for channel_id in channel_ids)
    return f"I answer questions in {places}: ask me there (or use `/ask` here)."


def interrupted(shown: str, limit: int = DISCORD_MESSAGE_LIMIT, note: str = INTERRUPTED) -> str:
    """A half-written answer, closed with a note that it was cut off (`note` replaces one that
    an earlier restart added, so marking it again changes nothing)."""
    for earlier in (INTERRUPTED, ANSWERING_AGAIN):
        shown = shown.removesuffix(earlier).rstrip("\n")
    room = limit - len(note) - 3
    body = balance_fences(shown if len(shown) <= room - 8 else shown[: room - 9] + "…")
    return f"{body}\n\n{note}" if body.strip() else note


def ask_interrupted(user_id: int, question: str, limit: int = 200) -> str:
    """The channel reply to a `/ask` cut off by a restart, once its follow-ups have expired."""
    quoted = " ".join(question.split())
    quoted = quoted if len(quoted) <= limit else quoted[: limit - 1] + "…"
    return (
        f"<@{user_id}> ⚠️ I was interrupted (restarted) while answering your `/ask`: "
        f"“{quoted}”. Here is the answer."
    )


def too_long(length: int, limit: int) -> str:
    return (
        f"That message is {length:,} characters; I can take at most {limit:,}. "
        "Could you shorten it or split it into smaller questions?"
    )


def rate_limited(wait_seconds: float) -> str:
    return (
        "You're sending questions faster than I can answer them. "
        f"Please wait about {max(1, math.ceil(wait_seconds))} s and try again."
    )


def sources_line(citations: Sequence[Citation], limit: int = DISCORD_MESSAGE_LIMIT) -> str:
    """`-# Sources: [1] Title · [2] Title`, dropping trailing sources that don't fit in `limit`."""
    if not citations:
        return ""
    line = "-# Sources:"
    for number, citation in enumerate(citations):
        title = " ".join((citation["title"] or citation["source"]).split())[:80]
        source = citation["source"]
        label = f"[{title}](<{source}>)" if source.startswith(("http://", "https://")) else title
        entry = f"{'' if number == 0 else ' ·'} [{citation['number']}] {label}"
        if len(line) + len(entry) > limit:
            break
        line += entry
    return line


def with_sources(chunks: Sequence[str], citations: Sequence[Citation]) -> list[str]:
    """The reply's messages: the graph's chunks, sources appended to the last one when they fit.

    When the last chunk is too full, the sources line becomes one more small message.
    """
    messages = tidy(chunk for chunk in chunks if chunk.strip())
    line = sources_line(citations)
    if not line:
        return messages
    if messages and len(messages[-1]) + 1 + len(line) <= DISCORD_MESSAGE_LIMIT:
        messages[-1] = f"{messages[-1]}\n{line}"
    else:
        messages.append(line)
    return messages


def tidy(chunks: Iterable[str]) -> list[str]:
    """The split answer as Discord should show it: a tiny last piece merged back into the
    message before it when both fit in one (Discord takes 2,000 characters; the split aims
    lower), and no blank line before the fence that closes a continued code block."""
    messages = list(chunks)
    if len(messages) >= 2 and len(messages[-1].strip()) <= TINY_CHUNK_CHARS:
        try:
            merged = join_chunks(messages[-2:])
        except ValueError:
            merged = ""
        if merged and len(merged) <= DISCORD_MESSAGE_LIMIT:
            messages[-2:] = [merged]
    return [
        _BLANK_BEFORE_CLOSER.sub(r"\n\1", message) if n < len(messages) - 1 else message
        for n, message in enumerate(messages)
    ]
