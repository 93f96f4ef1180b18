"""Nobody waits in silence: "typing…" in a channel while questions wait there for their turn.

A channel answers one question at a time, so the third asker may wait a while; the indicator
shows them at once that the bot has their question. One indicator serves every waiting question
of a channel (one request per ~8 s, whatever the crowd), which keeps it inside Discord's global
request budget where one reaction per question would not. Discord hides the indicator when the
bot posts, so posting an answer's first message re-arms it while others still wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import discord

from discord_bot.budget import acknowledging, streaming
from discord_bot.turns import TYPING_REFRESH_SECONDS

log = logging.getLogger(__name__)


class WaitingIndicators:
    """One typing loop per channel with questions waiting; it ends when none wait."""

    def __init__(self, waiting: Callable[[int], int]) -> None:
        self._waiting = waiting  # channel id → questions accepted there and not yet started
        self._loops: dict[int, asyncio.Task[None]] = {}
        self._posted: dict[int, asyncio.Event] = {}

    def show(self, channel: discord.abc.Messageable, channel_id: int) -> None:
        """Questions wait in `channel`: show the indicator now, unless it already shows."""
        if channel_id not in self._loops:
            self._posted[channel_id] = asyncio.Event()
            self._loops[channel_id] = asyncio.create_task(self._loop(channel, channel_id))

    def posted(self, channel_id: int) -> None:
        """The bot posted in the channel, which hides the indicator: show it again if needed."""
        if (event := self._posted.get(channel_id)) is not None:
            event.set()

    async def stop(self) -> None:
        for task in self._loops.values():
            task.cancel()
        await asyncio.gather(*self._loops.values(), return_exceptions=True)

    async def _loop(self, channel: discord.abc.Messageable, channel_id: int) -> None:
        posted = self._posted[channel_id]
        first = True
        try:
            while self._waiting(channel_id):
                try:
                    if first:
                        with acknowledging():
                            await channel.typing()
                    else:
                        with streaming():
                            await channel.typing()
                except discord.HTTPException as exc:  # cosmetic: never fail over it
                    log.debug("typing indicator failed in %s: %s", channel_id, exc)
                first = False
                posted.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(posted.wait(), TYPING_REFRESH_SECONDS)
        finally:
            del self._loops[channel_id]
            del self._posted[channel_id]
