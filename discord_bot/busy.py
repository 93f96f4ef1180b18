"""A channel's memory held by another process: say so once, wait for it, then answer.

The conversation refuses a turn with `ThreadBusyError` (nothing saved) when another writer, a
second bot process or a terminal `ask` on the same DATA_DIR or database, holds the thread past
THREAD_LOCK_TIMEOUT_SECONDS. The question is still accepted: the member is told that it comes
next, and the turn is tried again, with growing pauses, until the thread is free. Only after
BUSY_PATIENCE_S is it given up, and then with a reply that says why (never the generic failure).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable

import discord

from community_bot.thread_lock import ThreadBusyError
from community_bot.turns import TurnEvent
from discord_bot import wording
from discord_bot.budget import acknowledging, streaming
from discord_bot.outlets import Outlet

log = logging.getLogger(__name__)

BUSY_PATIENCE_S = 15 * 60.0  # a holder's turn ends within its own timeouts; this is many turns
FIRST_PAUSE_S, LONGEST_PAUSE_S = 0.5, 5.0  # each try itself waits THREAD_LOCK_TIMEOUT_SECONDS


async def when_free(
    start: Callable[[], AsyncIterator[TurnEvent]],
    outlet: Outlet,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[TurnEvent]:
    """The events of `start()`, tried again while the thread is busy; raises `ThreadBusyError`
    once the patience is spent. The notice shown meanwhile is removed when the answer starts."""
    began, pause = clock(), FIRST_PAUSE_S
    notice: int | None = None
    try:
        while True:
            events = start()
            try:
                first = await anext(events)
                break
            except StopAsyncIteration:
                return
            except ThreadBusyError as busy:
                if clock() - began + pause > BUSY_PATIENCE_S:
                    raise
                log.info("thread %s is busy (%s); trying again", busy.thread_id, busy.holder)
                if notice is None:
                    notice = await _tell(outlet)
                await asyncio.sleep(pause)  # a back-off between tries, each of which waits
                pause = min(pause * 2, LONGEST_PAUSE_S)
    finally:  # answered, given up, or stopped (the next start answers it): the notice has served
        await _remove(outlet, notice)
    yield first
    async for event in events:
        yield event


async def _tell(outlet: Outlet) -> int | None:
    try:
        with acknowledging():
            return await outlet.send(wording.THREAD_BUSY)
    except discord.HTTPException:
        log.warning("could not say that the thread is busy", exc_info=True)
        return None


async def _remove(outlet: Outlet, notice: int | None) -> None:
    """The notice has served: the answer (or the reason there is none) replies instead."""
    if notice is None:
        return
    try:
        with streaming():
            await outlet.delete(notice)
    except discord.HTTPException:
        log.warning("could not remove the busy notice %s", notice, exc_info=True)
