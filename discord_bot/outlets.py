"""Where a reply goes: a channel (or thread, or DM) or an interaction's follow-ups.

Both send and edit with `AllowedMentions.none()` every time: Discord re-parses mentions on edit,
so the client default alone would not protect edits made through other code paths.
"""

from __future__ import annotations

from typing import Protocol

import discord

NO_MENTIONS = discord.AllowedMentions.none()


class Outlet(Protocol):
    """Post, edit and remove the messages of one reply."""

    async def typing(self) -> None: ...

    async def send(self, content: str) -> int: ...

    async def edit(self, message_id: int, content: str) -> None: ...

    async def delete(self, message_id: int) -> None: ...


class _SentMessages:
    """Edits and removals of the messages an outlet sent, always without mentions."""

    def __init__(self) -> None:
        self._sent: dict[int, discord.Message | discord.WebhookMessage] = {}

    async def edit(self, message_id: int, content: str) -> None:
        self._sent[message_id] = await self._sent[message_id].edit(
            content=content, allowed_mentions=NO_MENTIONS
        )

    async def delete(self, message_id: int) -> None:
        await self._sent.pop(message_id).delete()


class ChannelOutlet(_SentMessages):
    """Messages in a channel; the first replies to the question, so busy channels stay readable."""

    def __init__(
        self, channel: discord.abc.Messageable, reply_to: discord.Message | None = None
    ) -> None:
        super().__init__()
        self._channel = channel
        self._reply_to = reply_to

    async def typing(self) -> None:
        await self._channel.typing()

    async def send(self, content: str) -> int:
        if self._reply_to is not None and not self._sent:
            reference = self._reply_to.to_reference(fail_if_not_exists=False)
            message = await self._channel.send(
                content, allowed_mentions=NO_MENTIONS, reference=reference
            )
        else:
            message = await self._channel.send(content, allowed_mentions=NO_MENTIONS)
        self._sent[message.id] = message
        return message.id


class InteractionOutlet(_SentMessages):
    """Follow-ups of a deferred interaction (the first one replaces the "thinking…" state).

    Takes the interaction's follow-up webhook: after a restart, one rebuilt from its token.
    """

    def __init__(self, followup: discord.Webhook) -> None:
        super().__init__()
        self._followup = followup

    async def typing(self) -> None:
        """The deferred interaction already shows that the bot is thinking."""

    async def send(self, content: str) -> int:
        message = await self._followup.send(content, allowed_mentions=NO_MENTIONS, wait=True)
        self._sent[message.id] = message
        return message.id
