"""After a crash, finish the `/ask` questions a killed process left unanswered.

A `/ask` has no message of its own to read back, so its in-flight record keeps the question,
its author and the interaction token. Within the token's lifetime (Discord allows follow-ups for
15 minutes) the answer is finished where the member is looking: as a follow-up of the original
interaction, the cut-off part marked as being answered again. Past it, the answer goes to the
channel as a reply that mentions the member (and nobody else) and says it was interrupted. Either
way the conversation's saved copy of the question is answered, so memory holds it once.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import discord

from community_bot.turns import Author
from discord_bot import wording
from discord_bot.inflight import UnfinishedAsk
from discord_bot.outlets import NO_MENTIONS, ChannelOutlet, InteractionOutlet, Outlet

if TYPE_CHECKING:
    from discord_bot.runtime import Runtime

log = logging.getLogger(__name__)

TOKEN_LIFETIME_S = 15 * 60  # how long Discord honours an interaction token for follow-ups
# Room left for the answer itself: a token about to expire would fail half way through it.
TOKEN_MARGIN_S = 2 * 60


async def settle_asks(runtime: Runtime) -> None:
    """Queue an answer for every `/ask` left over that this process's shards can reach."""
    for ask in runtime.left_over_asks:
        try:
            await _settle(runtime, ask)
        except Exception:
            log.exception("could not settle /ask %s", ask.interaction_id)


def _mine(client: discord.Client, ask: UnfinishedAsk) -> bool:
    """A guild's asks belong to the process holding its shard; DMs go to shard 0."""
    if ask.guild_id is not None:
        return client.get_guild(ask.guild_id) is not None
    return client.shard_id in (None, 0)


async def _settle(runtime: Runtime, ask: UnfinishedAsk) -> None:
    client = runtime.client
    if not _mine(client, ask):
        return
    try:
        channel = client.get_channel(ask.channel_id) or await client.fetch_channel(ask.channel_id)
    except (discord.NotFound, discord.Forbidden):
        runtime.inflight.done([ask.interaction_id])  # the channel is gone: nobody to answer
        return
    assert isinstance(channel, discord.abc.Messageable)
    outlet = await _by_follow_up(client, ask) if _fresh(ask) else None
    if outlet is None:
        outlet = await _in_channel(channel, ask)
    log.info("answering /ask %s again: it was cut off by a restart", ask.interaction_id)
    runtime.finish_ask(
        ask, await _author(client, ask.user_id), outlet, getattr(channel, "parent_id", None)
    )


def _fresh(ask: UnfinishedAsk) -> bool:
    return time.time() - ask.asked_at < TOKEN_LIFETIME_S - TOKEN_MARGIN_S


async def _by_follow_up(client: discord.Client, ask: UnfinishedAsk) -> Outlet | None:
    """The interaction's follow-ups, its cut-off answer marked; None when Discord refuses the
    token after all (then the channel reply is the way)."""
    assert client.application_id is not None
    followup = discord.Webhook.partial(client.application_id, ask.token, client=client)
    if ask.answer_ids:
        try:
            last = await followup.fetch_message(ask.answer_ids[-1])
            shown = wording.interrupted(last.content, note=wording.ANSWERING_AGAIN)
            await followup.edit_message(last.id, content=shown, allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            pass  # the half answer was deleted: the new answer still follows
        except discord.HTTPException:
            log.warning("the token of /ask %s was refused early", ask.interaction_id)
            return None
    return InteractionOutlet(followup)


async def _in_channel(channel: discord.abc.Messageable, ask: UnfinishedAsk) -> Outlet:
    """A reply in the channel that pings the member alone, then the answer below it."""
    reference = None
    if ask.answer_ids:  # the half answer, when there is one; kept if it was deleted
        reference = discord.MessageReference(
            message_id=ask.answer_ids[-1], channel_id=ask.channel_id, fail_if_not_exists=False
        )
    only_them = discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(ask.user_id)], replied_user=False
    )
    head = await channel.send(
        wording.ask_interrupted(ask.user_id, ask.question),
        allowed_mentions=only_them,
        reference=reference,  # type: ignore[arg-type]
    )
    return ChannelOutlet(channel, reply_to=head)


async def _author(client: discord.Client, user_id: int) -> Author:
    """Who asked (their name is context for the model when the question is asked anew)."""
    user = client.get_user(user_id)
    if user is None:
        try:
            user = await client.fetch_user(user_id)
        except discord.HTTPException:
            return Author(id=str(user_id), name="member")
    return Author(id=str(user_id), name=user.display_name)
