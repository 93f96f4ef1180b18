"""The Discord event handlers: turn events into queued turns, reactions into feedback.

Handlers stay thin: decide (routing, addressing), guard (rate limit, input size), record the
question as in flight, then queue a job on the channel's FIFO. Everything slow runs in those
jobs, so the gateway loop never waits on a model. A question stays editable (its edited text is
answered) or deletable (not answered) until its turn starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from community_bot.settings import DiscordSettings
from community_bot.thread_lock import ThreadBusyError
from community_bot.turns import Author, FinalReply, Quoted
from discord_bot import wording
from discord_bot.addressing import addressed_to_another, clean_text, is_chit_chat, replied_to
from discord_bot.attachments import read_attachments
from discord_bot.backend import Backend
from discord_bot.budget import RequestBudget, acknowledging, streaming
from discord_bot.debounce import Debouncer
from discord_bot.feedback import RETRACTED, AnswerIndex, TurnRef, score_of
from discord_bot.inflight import InFlight, UnfinishedAsk
from discord_bot.outlets import NO_MENTIONS, ChannelOutlet, InteractionOutlet, Outlet
from discord_bot.queues import ChannelQueues
from discord_bot.ratelimit import UserRateLimiter
from discord_bot.routing import Route, profile_for, route_message, thread_id_for, thread_title
from discord_bot.turns import Turn, run_turn
from discord_bot.waiting import WaitingIndicators

log = logging.getLogger(__name__)

PROVISIONAL_TITLE_CHARS = 80
HANDLED_MEMORY = 10_000
BACKGROUND_GRACE_S = 2.0  # votes and renames left at shutdown: a rename may wait on a model


def author_of(user: discord.abc.User) -> Author:
    return Author(id=str(user.id), name=user.display_name)


@dataclass
class _Asked:
    """A message accepted for an answer, until its turn starts (edits and deletes apply)."""

    message: discord.Message
    route: Route
    text: str
    reply_to: Quoted | None = None
    typed: str = ""  # the text without attachments, for telling chit-chat from questions
    to_another: bool = False  # addressed to another member
    deleted: bool = False


@dataclass
class _Background:
    """Fire-and-forget work (feedback, renames) kept referenced until it ends."""

    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def run(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def finish(self, grace: float) -> None:
        """Let the work end within `grace` seconds, then cancel what is left."""
        if not self.tasks:
            return
        _, pending = await asyncio.wait(list(self.tasks), timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class Runtime:
    """State shared by the handlers of one client: queues, limits, the answer index.

    It reads the Discord settings, plus two values from other groups that the caller passes:
    `data_dir` (DATA_DIR: where questions in flight survive a crash) and `reply_limit`
    (MAX_RESPONSE_CHARS: the longest message of a streamed reply).
    """

    def __init__(
        self,
        discord_settings: DiscordSettings,
        backend: Backend,
        *,
        data_dir: Path,
        reply_limit: int,
    ) -> None:
        self.backend = backend
        self.discord = discord_settings
        self.reply_limit = reply_limit
        self.queues = ChannelQueues()
        self.answers = AnswerIndex()
        self.budget = RequestBudget(discord_settings.discord_max_requests_per_second)
        self.inflight = InFlight(data_dir / "discord.sqlite")
        # What an earlier process left unfinished, read before this one accepts anything.
        self.left_over = self.inflight.unfinished()
        self.left_over_asks = self.inflight.unfinished_asks()
        self.accepting = True
        self.pending: dict[int, _Asked] = {}
        self.waiting = WaitingIndicators(self._waiting_in)
        self.background = _Background()
        self._limiter = UserRateLimiter(
            self.discord.rate_limit_per_minute, self.discord.rate_limit_burst
        )
        self._bursts: Debouncer[_Asked] = Debouncer(
            self.discord.discord_debounce_seconds, self._queue_burst
        )
        self._pointed: set[tuple[int, int]] = set()
        # Messages already handled: a backfill or a recovery may meet them again.
        self._handled: OrderedDict[int, None] = OrderedDict()
        self._again: set[int] = set()  # accepted before a crash, never started (`ask_again`)
        self._client: discord.Client | None = None
        self.tree: app_commands.CommandTree[discord.Client] | None = None

    def bind(self, client: discord.Client) -> None:
        self._client = client

    @property
    def client(self) -> discord.Client:
        assert self._client is not None
        return self._client

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
        limit = self.discord.discord_max_input_chars
        if len(text) > limit:
            return wording.too_long(len(text), limit)
        return None

    # --- messages ----------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        me = self.me
        if not self.accepting or me is None:
            return
        if message.channel.id in self.discord.answer_channel_ids:
            self.inflight.saw(message.channel.id, message.id)
        if message.id in self._handled:
            return
        self._handled[message.id] = None
        if len(self._handled) > HANDLED_MEMORY:
            self._handled.popitem(last=False)
        route = route_message(message, me, self.discord)
        if route is None:
            return
        if route.outside:
            await self._point_elsewhere(message)
            return
        typed, text = await self._read(message, me, forum_post=route.forum_post)
        if not text:
            return
        to_another = addressed_to_another(message, me)
        debounced = self.discord.discord_debounce_seconds > 0  # judged as a whole burst
        judged = not debounced and not route.forum_post  # a forum post is always a question
        if judged and await self._chit_chat(message, typed, to_another):
            return
        refusal = self.refusal(message.author.id, typed)
        if refusal is not None:
            if refusal:
                await self._say(message, refusal)
            return
        self._accept(_Asked(message, route, text, self._quoted(message, me), typed, to_another))

    async def _read(
        self,
        message: discord.Message,
        me: discord.abc.User,
        *,
        forum_post: bool,
        notes: bool = True,
    ) -> tuple[str, str]:
        """(typed, question): what the member typed, and that with the text of the attached
        files; `notes` tells the member which files could not be read."""
        text = clean_text(message, me)
        if forum_post:  # a forum post's title is part of its question
            text = f"{getattr(message.channel, 'name', '')}\n\n{text}".strip()
        if not message.attachments:
            return text, text
        attached = await read_attachments(message, self.discord.discord_attachment_max_bytes)
        if attached.unread and notes:
            note = wording.some_files_not_read(attached.unread)
            await self._say(message, note if text or attached.text else wording.FILES_NOT_READ)
        return text, "\n\n".join(part for part in (text, attached.text) if part)

    def _quoted(self, message: discord.Message, me: discord.abc.User) -> Quoted | None:
        target = replied_to(message)
        if target is None:
            return None
        return Quoted(author_of(target.author), clean_text(target, me))

    def _accept(self, asked: _Asked) -> None:
        """Remember the question (on disk too), show it was seen, and queue it."""
        message, route = asked.message, asked.route
        self.pending[message.id] = asked
        self.inflight.accepted(message.id, message.channel.id)
        busy = self.queues.busy_with(route.channel_id)
        if route.open_thread or busy or self.discord.discord_debounce_seconds > 0:
            self.waiting.show(message.channel, route.channel_id)
        self._bursts.add((route.channel_id, message.author.id), asked)

    def _waiting_in(self, channel_id: int) -> int:
        return sum(1 for a in self.pending.values() if a.route.channel_id == channel_id)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A question edited before its turn starts is answered as edited."""
        asked = self.pending.get(payload.message_id)
        me = self.me
        if asked is None or me is None or "content" not in payload.data:
            return
        text = clean_text(payload.message, me)
        if text:
            asked.text = text
        else:
            self._forget(asked)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A question deleted before its turn starts is not answered."""
        if (asked := self.pending.get(payload.message_id)) is not None:
            self._forget(asked)

    def _forget(self, asked: _Asked) -> None:
        asked.deleted = True
        self.pending.pop(asked.message.id, None)
        self.inflight.done([asked.message.id])

    # --- reactions ---------------------------------------------------------------------

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if (score := score_of(payload.emoji.name)) is not None and self._voter(payload):
            self._vote(payload, score)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """Taking a 👍/👎 back retracts the vote."""
        if score_of(payload.emoji.name) is not None and self._voter(payload):
            self._vote(payload, RETRACTED)

    def _voter(self, payload: discord.RawReactionActionEvent) -> bool:
        """Members vote; the bot itself and other bots do not."""
        me = self.me
        if me is None or payload.user_id == me.id:
            return False
        user = payload.member or self.client.get_user(payload.user_id)
        return not (user is not None and user.bot)

    def _vote(self, payload: discord.RawReactionActionEvent, score: int) -> None:
        user_id = str(payload.user_id)
        mine = self.me is not None and payload.message_author_id == self.me.id
        turn = self.answers.vote(payload.message_id, user_id, score, mine=mine)
        if turn is not None:  # otherwise held until the answer is final, or not an answer
            self.background.run(self._record_vote(turn, user_id, score))

    async def _record_vote(self, turn: TurnRef, user_id: str, score: int) -> None:
        try:
            await self.backend.record_feedback(
                thread_id=turn.thread_id, run_id=turn.run_id, user_id=user_id, score=score
            )
        except Exception:
            log.exception("could not record feedback on turn %s", turn.run_id)

    # --- interactions ------------------------------------------------------------------

    def ask(self, interaction: discord.Interaction, question: str) -> None:
        """Queue `/ask` on its channel's FIFO; the interaction is already deferred. Recorded in
        flight first, so a crash before its answer is shown in full is settled on restart."""
        channel_id = interaction.channel_id or 0
        parent_id = getattr(interaction.channel, "parent_id", None)
        self.inflight.asked(
            interaction.id,
            channel_id,
            interaction.guild_id,
            interaction.user.id,
            question,
            interaction.token,
        )
        turn = Turn(
            thread_id_for(channel_id),
            question,
            author_of(interaction.user),
            profile_for(self.discord, channel_id, parent_id),
            question_ids=[interaction.id],
        )
        self._queue(channel_id, InteractionOutlet(interaction.followup), turn)

    def reset(self, interaction: discord.Interaction) -> None:
        """Queue the reset behind the channel's pending turns, so none of them races it."""
        channel_id = interaction.channel_id or 0

        async def job() -> None:
            try:
                await self.backend.conversation.reset(thread_id_for(channel_id))
                said = wording.RESET_DONE
            except ThreadBusyError:  # another process's turn holds the memory: kept, and said so
                said = wording.RESET_BUSY
            except Exception:  # the memory store is down: say so, never leave "thinking…"
                log.exception("could not reset the memory of channel %s", channel_id)
                said = wording.RESET_FAILED
            await interaction.followup.send(said, allowed_mentions=NO_MENTIONS, ephemeral=True)

        self.queues.submit(channel_id, job)

    # --- after a crash (Recovery) --------------------------------------------------------

    async def ask_again(self, message: discord.Message) -> None:
        """A question accepted before a crash whose answer never started: handled as new,
        except that a copy the conversation saved before the crash is answered, not repeated."""
        self._again.add(message.id)
        try:
            await self.on_message(message)
        finally:
            if message.id not in self.pending:  # not accepted this time: nothing to mark
                self._again.discard(message.id)

    async def answer_again(
        self,
        questions: list[discord.Message],
        where: discord.abc.Messageable,
        where_id: int,
        question_ids: list[int],
    ) -> None:
        """Queue a new answer in `where` (the questions' channel, or the thread opened for
        them) to questions whose answer a crash cut off. They are put as the cut-off turn put
        them, so the conversation answers the copy it saved and remembers them once."""
        me = self.me
        assert me is not None
        texts = []
        for message in questions:
            self._handled[message.id] = None  # a backfill must not answer it a third time
            route = route_message(message, me, self.discord)
            forum_post = route is not None and route.forum_post
            texts.append((await self._read(message, me, forum_post=forum_post, notes=False))[1])
        first, last = questions[0], questions[-1]
        turn = Turn(
            thread_id_for(where_id),
            "\n".join(texts),
            author_of(first.author),
            profile_for(self.discord, where_id, getattr(where, "parent_id", None)),
            self._quoted(first, me),
            question_ids,
            again=True,
        )
        in_place = where_id == last.channel.id  # else a thread of its own: no reply needed
        self._queue(where_id, ChannelOutlet(where, reply_to=last if in_place else None), turn)

    def finish_ask(
        self, ask: UnfinishedAsk, author: Author, outlet: Outlet, parent_id: int | None
    ) -> None:
        """Queue a `/ask` cut off by a crash: answered from the conversation's saved copy of the
        question (asked as new if its turn never started), its record cleared when shown."""
        turn = Turn(
            thread_id_for(ask.channel_id),
            ask.question,
            author,
            profile_for(self.discord, ask.channel_id, parent_id),
            question_ids=[ask.interaction_id],
            again=True,
        )
        self._queue(ask.channel_id, outlet, turn)

    # --- turns -------------------------------------------------------------------------

    def _queue_burst(self, burst: list[_Asked]) -> None:
        first = burst[0]
        key = first.message.id if first.route.open_thread else first.route.channel_id
        self.queues.submit(key, lambda: self._start(burst))

    async def _start(self, burst: list[_Asked]) -> None:
        """The burst's turn begins: its questions as they read now (edited, some deleted)."""
        again = False
        for asked in burst:
            self.pending.pop(asked.message.id, None)
            if asked.message.id in self._again:
                self._again.discard(asked.message.id)
                again = True
        live = [asked for asked in burst if not asked.deleted]
        if not live:
            return
        first, last = live[0], live[-1]
        typed = "\n".join(asked.typed for asked in live)
        debounced = self.discord.discord_debounce_seconds > 0 and not first.route.forum_post
        if debounced and await self._chit_chat(last.message, typed, first.to_another):
            self.inflight.done([asked.message.id for asked in live])
            return
        route = first.route
        turn = Turn(
            route.thread_id,
            "\n".join(asked.text for asked in live),
            author_of(first.message.author),
            route.profile,
            first.reply_to,
            [asked.message.id for asked in live],
            again,
        )
        if route.open_thread:
            await self._answer_in_new_thread(first.message, turn)
        else:
            outlet = ChannelOutlet(first.message.channel, reply_to=last.message)
            await self._run(route.channel_id, outlet, turn)

    def _queue(self, channel_id: int, outlet: Outlet, turn: Turn) -> None:
        self.queues.submit(channel_id, lambda: self._run(channel_id, outlet, turn))

    async def _run(self, channel_id: int, outlet: Outlet, turn: Turn) -> None:
        await run_turn(
            self.discord,
            self.backend,
            outlet,
            turn,
            self._answered(turn),
            reply_limit=self.reply_limit,
            budget=self.budget,
            on_sent=self._sent(channel_id, turn),
        )
        self.inflight.done(turn.question_ids)

    async def _answer_in_new_thread(self, message: discord.Message, turn: Turn) -> None:
        """Thread mode: a thread at once, named after the question; the model's title renames it
        once when it arrives (Discord allows about two renames per ten minutes)."""
        provisional = thread_title(turn.text, PROVISIONAL_TITLE_CHARS)
        try:
            with acknowledging():
                thread = await message.create_thread(name=provisional)
        except discord.HTTPException:
            log.exception("could not open a thread for message %s; answering in place", message.id)
            await self._run(message.channel.id, ChannelOutlet(message.channel, message), turn)
            return
        self.background.run(self._rename(thread, turn.text, provisional))
        in_thread = replace(turn, thread_id=thread_id_for(thread.id))
        await self._run(thread.id, ChannelOutlet(thread), in_thread)

    async def _rename(self, thread: discord.Thread, question: str, provisional: str) -> None:
        try:
            title = thread_title(await self.backend.short_title(question))
            if title != provisional:
                with streaming():  # cosmetic: answers go first
                    await thread.edit(name=title)
        except Exception:
            log.warning("could not give thread %s the model's title", thread.id, exc_info=True)

    def _sent(self, channel_id: int, turn: Turn) -> Callable[[list[int]], None]:
        """The answer's messages so far: votes on them are held, a crash can mark them."""

        def sent(message_ids: list[int]) -> None:
            self.answers.streaming(message_ids[-1], turn.thread_id)
            for question_id in turn.question_ids:
                self.inflight.answering(question_id, channel_id, message_ids)
            self.waiting.posted(channel_id)

        return sent

    def _answered(self, turn: Turn) -> Callable[[list[int], FinalReply], None]:
        def remember(message_ids: list[int], final: FinalReply) -> None:
            # Shown in full: a crash from here on (memory upkeep) must not answer it again.
            self.inflight.done(turn.question_ids)
            ref = TurnRef(turn.thread_id, final.run_id)
            for user_id, score in self.answers.remember(message_ids, ref):
                self.background.run(self._record_vote(ref, user_id, score))

        return remember

    # --- small replies -----------------------------------------------------------------

    async def _say(self, message: discord.Message, text: str) -> None:
        try:
            await ChannelOutlet(message.channel, reply_to=message).send(text)
        except discord.HTTPException:
            log.exception("could not reply in channel %s", message.channel.id)

    async def _chit_chat(self, message: discord.Message, typed: str, to_another: bool) -> bool:
        """Handle thanks, greetings and talk between members (DISCORD_CHIT_CHAT); True when
        it was that, and nothing more is to be done."""
        mode = self.discord.discord_chit_chat
        if mode == "answer" or not is_chit_chat(typed, to_another=to_another):
            return False
        if mode == "react" and not to_another:
            await self._react(message, wording.CHIT_CHAT_REACTION)
        return True

    async def _react(self, message: discord.Message, emoji: str) -> None:
        try:
            with streaming():
                await message.add_reaction(emoji)
        except discord.HTTPException as exc:
            log.debug("could not react in channel %s: %s", message.channel.id, exc)

    async def _point_elsewhere(self, message: discord.Message) -> None:
        """Mentioned outside the answered channels: say where it answers, once per person and
        channel, rather than a silence that reads as broken."""
        key = (message.author.id, message.channel.id)
        if key in self._pointed:
            return
        self._pointed.add(key)
        places = [
            *sorted(self.discord.answer_channel_ids),
            *self.discord.discord_forum_channel_ids,
        ]
        await self._say(message, wording.answers_elsewhere(places))

    # --- shutdown ----------------------------------------------------------------------

    async def stop(self) -> None:
        """Stop taking messages, then let queued answers finish within the grace period."""
        self.accepting = False
        self._bursts.flush_all()
        finished = await self.queues.drain(self.discord.discord_shutdown_grace_seconds)
        await self.waiting.stop()
        await self.background.finish(BACKGROUND_GRACE_S)
        self.inflight.close()
        log.info(
            "discord runtime stopped (%s)", "all answers sent" if finished else "some cancelled"
        )
