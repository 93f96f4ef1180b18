"""After a crash or an outage, find what was asked and never answered.

On the first READY of a process, the in-flight records a killed process left behind (read when
the runtime was built, before this process accepted anything) are settled: a question whose
answer never started is answered now; an answer cut off half way is edited to say so, and its
question is answered again below it. A question is saved in the conversation before its turn
runs, the turn only when it ends, so the new answer comes from that saved copy
(`stream_unanswered`): the member need not ask again, and memory holds the question once. On
every READY (a new session: Discord would not resume the old one, so the events in between are
lost), each answered channel's history since the last message seen is read back, at most
DISCORD_BACKFILL_MINUTES, and what was addressed to the bot is handled as if it had just arrived.
A `/ask` left in flight is settled likewise, by follow-up or in the channel (ask_recovery.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from discord_bot import wording
from discord_bot.ask_recovery import settle_asks
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
            for group in by_answer(self._runtime.left_over):
                try:
                    await self._settle(group)
                except Exception:
                    log.exception("could not settle question(s) %s", [u.question_id for u in group])
            await settle_asks(self._runtime)
        await self._backfill()

    async def _settle(self, group: list[Unfinished]) -> None:
        runtime, client = self._runtime, self._runtime.client
        first = group[0]
        channel = client.get_channel(first.channel_id)
        if channel is None:
            return  # another shard's guild: that process settles it
        assert isinstance(channel, discord.abc.Messageable)
        if first.answer_ids and first.answer_channel_id is not None:
            await self._answer_again(group, channel)
            return
        runtime.inflight.done([first.question_id])
        question = await _fetch(channel, first.question_id)
        if question is None:
            return  # deleted meanwhile: nothing to answer
        log.info("answering question %s, accepted before a restart", first.question_id)
        await runtime.ask_again(question)

    async def _answer_again(
        self, group: list[Unfinished], channel: discord.abc.Messageable
    ) -> None:
        """Mark the cut-off answer, then answer its questions anew (all of a burst at once)."""
        runtime, first = self._runtime, group[0]
        assert first.answer_channel_id is not None
        ids = [unfinished.question_id for unfinished in group]
        where = await self._channel(first.answer_channel_id)
        if where is None:  # the thread it was answered in is gone: so is the half answer
            runtime.inflight.done(ids)
            return
        questions = [q for i in ids if (q := await _fetch(channel, i)) is not None]
        last = await _fetch(where, first.answer_ids[-1])
        if last is not None:
            note = wording.ANSWERING_AGAIN if questions else wording.INTERRUPTED
            shown = wording.interrupted(last.content, note=note)
            await last.edit(content=shown, allowed_mentions=NO_MENTIONS)
        if not questions:  # deleted meanwhile: nobody waits for the rest of the answer
            runtime.inflight.done(ids)
            log.info("marked the interrupted answer to %s", ids)
            return
        log.info("answering %s again: the answer was cut off by a restart", ids)
        await runtime.answer_again(questions, where, first.answer_channel_id, ids)

    async def _channel(self, channel_id: int) -> discord.abc.Messageable | None:
        """A channel or thread, from the cache or, for a thread not in it, from Discord."""
        client = self._runtime.client
        try:
            found = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
        except discord.NotFound:
            return None
        assert isinstance(found, discord.abc.Messageable)
        return found

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


def by_answer(left_over: list[Unfinished]) -> list[list[Unfinished]]:
    """The records to settle together, oldest first: a burst's questions share one cut-off
    answer (one new answer for them all); a question whose answer never started stands alone."""
    groups: dict[object, list[Unfinished]] = {}
    for unfinished in left_over:
        answer = (unfinished.answer_channel_id, tuple(unfinished.answer_ids))
        key = answer if unfinished.answer_ids else unfinished.question_id
        groups.setdefault(key, []).append(unfinished)
    return list(groups.values())


async def _fetch(channel: discord.abc.Messageable, message_id: int) -> discord.Message | None:
    try:
        return await channel.fetch_message(message_id)
    except discord.NotFound:
        return None
