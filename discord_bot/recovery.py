"""After a crash or an outage, find what was asked and never answered.

On the first READY of a process, the in-flight records a killed process left behind (read when
the runtime was built, before this process accepted anything) are settled:
a question whose answer never started is answered now; an answer cut off half way is edited to
say so and to invite a re-ask (the conversation may already hold part of that turn, so it is not
silently re-run). On every READY (a new session: Discord would not resume the old one, so the
events in between are lost), each answered channel's history since the last message seen is
read back, at most DISCORD_BACKFILL_MINUTES, and what was addressed to the bot is handled as if
it had just arrived.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from discord_bot import wording
from discord_bot.inflight import Unfinished
from discord_bot.outlets import NO_MENTIONS

if TYPE_CHECKING:
    from discord_bot.runtime import Runtime

log = logging.getLogger(__name__)

BACKFILL_MAX_MESSAGES = 200  # per channel; older ones beyond it are left


class Recovery:
    """Runs on READY: settle the in-flight records once, backfill every time."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._settled = False

    async def on_ready(self) -> None:
        try:
            await self._on_ready()
        except Exception:  # never a crash loop over recovery: log it and keep answering
            log.exception("recovery after (re)connecting failed")

    async def _on_ready(self) -> None:
        if not self._runtime.accepting:
            return  # stopping: the records stay for the next start
        if not self._settled:
            self._settled = True
            for unfinished in self._runtime.left_over:
                try:
                    await self._settle(unfinished)
                except Exception:
                    log.exception("could not settle question %s", unfinished.question_id)
        await self._backfill()

    async def _settle(self, unfinished: Unfinished) -> None:
        runtime, client = self._runtime, self._runtime.client
        channel = client.get_channel(unfinished.channel_id)
        if channel is None:
            return  # another shard's guild: that process settles it
        if unfinished.answer_ids and unfinished.answer_channel_id is not None:
            where = client.get_channel(unfinished.answer_channel_id) or channel
            assert isinstance(where, discord.abc.Messageable)
            last = await where.fetch_message(unfinished.answer_ids[-1])
            await last.edit(content=wording.interrupted(last.content), allowed_mentions=NO_MENTIONS)
            runtime.inflight.done([unfinished.question_id])
            log.info("marked the interrupted answer to %s", unfinished.question_id)
            return
        runtime.inflight.done([unfinished.question_id])
        assert isinstance(channel, discord.abc.Messageable)
        try:
            question = await channel.fetch_message(unfinished.question_id)
        except discord.NotFound:
            return  # deleted meanwhile: nothing to answer
        log.info("answering question %s, accepted before a restart", unfinished.question_id)
        await runtime.on_message(question)

    async def _backfill(self) -> None:
        runtime, client, me = self._runtime, self._runtime.client, self._runtime.me
        minutes = runtime.discord.discord_backfill_minutes
        if me is None or minutes <= 0:
            return
        horizon = discord.utils.time_snowflake(datetime.now(UTC) - timedelta(minutes=minutes))
        for channel_id in sorted(runtime.discord.answer_channel_ids):
            if not runtime.accepting:
                return
            seen = runtime.inflight.last_seen(channel_id)
            channel = client.get_channel(channel_id)
            if seen is None or not isinstance(channel, discord.TextChannel):
                continue
            try:
                missed = [
                    message
                    async for message in channel.history(
                        limit=BACKFILL_MAX_MESSAGES,
                        after=discord.Object(max(seen, horizon)),
                        oldest_first=True,
                    )
                ]
            except discord.HTTPException:
                log.exception("could not read the history of channel %s", channel_id)
                continue
            answered = {
                m.reference.message_id for m in missed if m.author.id == me.id and m.reference
            }
            for message in missed:
                if message.author.id != me.id and message.id not in answered:
                    await runtime.on_message(message)
            if missed:
                log.info("backfilled %d message(s) of channel %s", len(missed), channel_id)
