"""The Discord event handlers: turn events into queued turns, reactions into feedback.

Handlers stay thin: decide (routing), guard (rate limit, input size), then queue a job on the
channel's FIFO. Everything slow runs in those jobs, so the gateway loop never waits on a model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import discord
from discord import app_commands

from community_bot.settings import Settings
from community_bot.turns import Author, FinalReply
from discord_bot import wording
from discord_bot.backend import Backend
from discord_bot.debounce import Debouncer
from discord_bot.feedback import AnswerIndex, TurnRef, score_of
from discord_bot.outlets import NO_MENTIONS, ChannelOutlet, InteractionOutlet, Outlet
from discord_bot.queues import ChannelQueues
from discord_bot.ratelimit import UserRateLimiter
from discord_bot.routing import (
    Route,
    profile_for,
    question_text,
    route_message,
    thread_id_for,
    thread_title,
)
from discord_bot.turns import Turn, run_turn

log = logging.getLogger(__name__)


def author_of(user: discord.abc.User) -> Author:
    return Author(id=str(user.id), name=user.display_name)


@dataclass(frozen=True)
class _Asked:
    """A message accepted for an answer, waiting out the debounce."""

    message: discord.Message
    route: Route
    text: str


class Runtime:
    """State shared by the handlers of one client: queues, limits, the answer index."""

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.backend = backend
        self.settings = settings
        self.queues = ChannelQueues()
        self.answers = AnswerIndex()
        self.accepting = True
        self._limiter = UserRateLimiter(
            self.settings.rate_limit_per_minute, self.settings.rate_limit_burst
        )
        self._bursts: Debouncer[_Asked] = Debouncer(
            self.settings.discord_debounce_seconds, self._queue_burst
        )
        self._client: discord.Client | None = None
        self.tree: app_commands.CommandTree[discord.Client] | None = None

    def bind(self, client: discord.Client) -> None:
        self._client = client

    @property
    def me(self) -> discord.ClientUser | None:
        return self._client.user if self._client is not None else None

    # --- guards ------------------------------------------------------------------------

    def refusal(self, user_id: int, text: str) -> str | None:
        """Why this input is refused (rate limit, size), or None to answer it.

        A rate-limited flood gets one reply, then silence until the bucket refills.
        """
        wait = self._limiter.acquire(user_id)
        if wait > 0:
            self.backend.record_rate_limited()
            return wording.rate_limited(wait) if self._limiter.should_warn(user_id, wait) else ""
        limit = self.settings.discord_max_input_chars
        if len(text) > limit:
            return wording.too_long(len(text), limit)
        return None

    # --- events ------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        me = self.me
        if not self.accepting or me is None:
            return
        route = route_message(message, me, self.settings)
        if route is None:
            return
        text = question_text(message, me)
        if not text:
            return
        refusal = self.refusal(message.author.id, text)
        if refusal is not None:
            if refusal:
                await self._say(message, refusal)
            return
        self._bursts.add((route.channel_id, message.author.id), _Asked(message, route, text))

    async def on_thread_create(self, thread: discord.Thread) -> None:
        """A new forum post: answer it in its thread, like a support forum's first responder."""
        me = self.me
        if not self.accepting or me is None or thread.owner_id == me.id:
            return
        if thread.parent_id not in self.settings.discord_forum_channel_ids:
            return
        starter = thread.starter_message
        if starter is None:
            try:
                starter = await thread.fetch_message(thread.id)
            except discord.HTTPException:
                log.warning("forum post %s has no readable opening message", thread.id)
        body = question_text(starter, me) if starter is not None else ""
        text = f"{thread.name}\n\n{body}".strip()
        refusal = self.refusal(thread.owner_id or 0, text)
        if refusal is not None:
            if refusal:
                await ChannelOutlet(thread).send(refusal)
            return
        author = author_of(starter.author) if starter else Author(str(thread.owner_id), "member")
        turn = Turn(
            thread_id_for(thread.id),
            text,
            author,
            profile_for(self.settings, thread.id, thread.parent_id),
        )
        self._queue(thread.id, ChannelOutlet(thread), turn)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        me = self.me
        if me is None or payload.user_id == me.id:
            return
        score = score_of(payload.emoji.name)
        turn = self.answers.lookup(payload.message_id)
        if score is None or turn is None:
            return
        try:
            await self.backend.record_feedback(
                thread_id=turn.thread_id,
                run_id=turn.run_id,
                user_id=str(payload.user_id),
                score=score,
            )
        except Exception:
            log.exception("could not record feedback on message %s", payload.message_id)

    # --- interactions ------------------------------------------------------------------

    def ask(self, interaction: discord.Interaction, question: str) -> None:
        """Queue `/ask` on its channel's FIFO; the interaction is already deferred."""
        channel_id = interaction.channel_id or 0
        parent_id = getattr(interaction.channel, "parent_id", None)
        turn = Turn(
            thread_id_for(channel_id),
            question,
            author_of(interaction.user),
            profile_for(self.settings, channel_id, parent_id),
        )
        self._queue(channel_id, InteractionOutlet(interaction), turn)

    def reset(self, interaction: discord.Interaction) -> None:
        """Queue the reset behind the channel's pending turns, so none of them races it."""
        channel_id = interaction.channel_id or 0

        async def job() -> None:
            await self.backend.conversation.reset(thread_id_for(channel_id))
            await interaction.followup.send(
                wording.RESET_DONE, allowed_mentions=NO_MENTIONS, ephemeral=True
            )

        self.queues.submit(channel_id, job)

    # --- turns -------------------------------------------------------------------------

    def _queue_burst(self, burst: list[_Asked]) -> None:
        first, last, route = burst[0].message, burst[-1].message, burst[0].route
        text = "\n".join(asked.text for asked in burst)
        turn = Turn(route.thread_id, text, author_of(first.author), route.profile)
        if route.open_thread:
            self.queues.submit(first.id, lambda: self._answer_in_new_thread(first, turn))
        else:
            self._queue(route.channel_id, ChannelOutlet(first.channel, reply_to=last), turn)

    def _queue(self, channel_id: int, outlet: Outlet, turn: Turn) -> None:
        self.queues.submit(
            channel_id,
            lambda: run_turn(self.settings, self.backend, outlet, turn, self._answered(turn)),
        )

    async def _answer_in_new_thread(self, message: discord.Message, turn: Turn) -> None:
        """Thread mode: a new thread named after the question (its id and queue: the message's)."""
        try:
            title = thread_title(await self.backend.short_title(turn.text))
        except Exception:
            log.exception("short title failed; using the question's first words")
            title = thread_title(turn.text)
        try:
            thread = await message.create_thread(name=title)
        except discord.HTTPException:
            log.exception("could not open a thread for message %s; answering in place", message.id)
            await run_turn(
                self.settings,
                self.backend,
                ChannelOutlet(message.channel, message),
                turn,
                self._answered(turn),
            )
            return
        in_thread = Turn(thread_id_for(thread.id), turn.text, turn.author, turn.profile)
        await run_turn(
            self.settings, self.backend, ChannelOutlet(thread), in_thread, self._answered(in_thread)
        )

    def _answered(self, turn: Turn) -> Callable[[list[int], FinalReply], None]:
        def remember(message_ids: list[int], final: FinalReply) -> None:
            self.answers.remember(message_ids, TurnRef(turn.thread_id, final.run_id))

        return remember

    async def _say(self, message: discord.Message, text: str) -> None:
        try:
            await ChannelOutlet(message.channel, reply_to=message).send(text)
        except discord.HTTPException:
            log.exception("could not reply in channel %s", message.channel.id)

    # --- shutdown ----------------------------------------------------------------------

    async def stop(self) -> None:
        """Stop taking messages, then let queued answers finish within the grace period."""
        self.accepting = False
        self._bursts.flush_all()
        finished = await self.queues.drain(self.settings.discord_shutdown_grace_seconds)
        log.info(
            "discord runtime stopped (%s)", "all answers sent" if finished else "some cancelled"
        )
