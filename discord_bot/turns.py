"""Run one turn: stream the graph's answer into Discord and report where it landed.

Errors end here: the details go to the log, the person gets one short polite message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import discord

from community_bot.settings import DiscordSettings
from community_bot.thread_lock import ThreadBusyError
from community_bot.turns import Author, FinalReply, Quoted, TokenEvent
from discord_bot import wording
from discord_bot.backend import Backend, ConversationLike
from discord_bot.budget import RequestBudget, acknowledging, streaming
from discord_bot.busy import when_free
from discord_bot.outlets import Outlet
from discord_bot.streaming import StreamedReply

log = logging.getLogger(__name__)

TYPING_REFRESH_SECONDS = 8.0  # Discord shows "typing" for about 10 s per request


@dataclass(frozen=True)
class Turn:
    """One question for the graph, as the runtime hands it over."""

    thread_id: str
    text: str
    author: Author
    profile: str | None
    reply_to: Quoted | None = None  # the message it replies to, context for the model
    question_ids: list[int] = field(default_factory=list)  # the Discord messages it answers
    # Accepted before a crash: the conversation may hold it unanswered already, and then it is
    # answered from there rather than asked (and remembered) twice.
    again: bool = False


Answered = Callable[[list[int], FinalReply], None]
Sent = Callable[[list[int]], None]


async def keep_typing(outlet: Outlet) -> None:
    """Show "typing…" now and every few seconds until cancelled (refreshes are low priority)."""
    first = True
    while True:
        try:
            if first:
                with acknowledging():
                    await outlet.typing()
            else:
                with streaming():
                    await outlet.typing()
        except discord.HTTPException as exc:  # cosmetic: never fail a turn over it
            log.debug("typing indicator failed: %s", exc)
        first = False
        await asyncio.sleep(TYPING_REFRESH_SECONDS)


async def turn_events(
    conversation: ConversationLike, turn: Turn
) -> AsyncIterator[TokenEvent | FinalReply]:
    """The turn's answer from the conversation: for a question asked again after a crash, from
    its saved copy when that is what waits, else asked as new."""
    if turn.again:
        resumed = False
        async for event in conversation.stream_unanswered(turn.thread_id, turn.text, turn.profile):
            resumed = True
            yield event
        if resumed:
            return
    async for event in conversation.stream_turn(
        turn.thread_id, turn.text, turn.author, turn.profile, reply_to=turn.reply_to
    ):
        yield event


async def run_turn(
    discord_settings: DiscordSettings,
    backend: Backend,
    outlet: Outlet,
    turn: Turn,
    on_answered: Answered | None = None,
    *,
    reply_limit: int,
    budget: RequestBudget | None = None,
    on_sent: Sent | None = None,
) -> None:
    """Stream `turn`'s answer to `outlet` in messages of at most `reply_limit` characters
    (MAX_RESPONSE_CHARS); never raises except on cancellation.

    `on_sent` hears the answer's message ids each time one more is sent (votes and crash
    records need them before the answer is final); `on_answered` hears the final ids.
    """
    reply = StreamedReply(
        outlet,
        edit_interval=discord_settings.discord_edit_interval_seconds,
        limit=reply_limit,
        budget=budget,
        on_sent=on_sent,
    )
    typing = asyncio.create_task(keep_typing(outlet))
    final: FinalReply | None = None
    try:
        stream = when_free(lambda: turn_events(backend.conversation, turn), outlet)
        async for event in stream:
            if isinstance(event, TokenEvent):
                reply.push(event.text)
                if reply.started:
                    typing.cancel()
            elif final is None:
                final = event
                typing.cancel()
                texts = wording.with_sources(event.chunks, event.citations)
                ids = await reply.finish(texts or [wording.TURN_FAILED])
                if on_answered is not None:
                    on_answered(ids, event)
        if final is None:
            raise RuntimeError("the conversation ended without a final reply")
    except asyncio.CancelledError:
        await reply.abort()
        raise
    except ThreadBusyError as busy:  # waited long enough: say why, not "couldn't answer"
        log.warning("gave up on a turn in %s: %s", turn.thread_id, busy)
        with contextlib.suppress(discord.HTTPException):
            await outlet.send(wording.THREAD_STILL_BUSY)
    except Exception:
        log.exception("turn failed in %s (author %s)", turn.thread_id, turn.author.id)
        await reply.abort()
        if final is None:
            with contextlib.suppress(discord.HTTPException):
                await outlet.send(wording.TURN_FAILED)
    finally:
        typing.cancel()
