"""Show an answer while it is being written, within Discord's limits.

The first message goes out with the first tokens; after that each message is edited at most once
per `edit_interval` — a throttle kept per message, so one busy channel never slows another. Every
intermediate edit has its code fences balanced; when a message nears the length limit the text
continues in a new one (reopening the fence it was inside). `finish` then edits the messages to
the exact final texts, which may differ from the streamed draft.

Under the process-wide request budget (`discord_bot.budget`) an intermediate edit waits for a
STREAM slot before it reads its draft, so edits coalesce when the bot is busy; first messages
and final edits are URGENT.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from community_bot.text.fences import balance_fences, is_inside_fence
from discord_bot.budget import STREAM, RequestBudget, prepaid
from discord_bot.outlets import Outlet

FENCE_MARGIN = 16  # room for the closing fence balance_fences may add


@dataclass
class _Segment:
    """One Discord message of the draft: text[start:end], after `reopen` (a fence line)."""

    start: int
    end: int | None = None
    reopen: str = ""
    message_id: int | None = None
    shown: str = ""
    edited_at: float = 0.0


def _cut_point(text: str, limit: int) -> int:
    """Where to end a message of at most `limit` characters: a paragraph, line or word break."""
    window = text[:limit]
    for separator in ("\n\n", "\n", " "):
        at = window.rfind(separator)
        if at >= limit // 2:
            return at + len(separator)
    return limit


class StreamedReply:
    """The messages of one answer as it streams in; feed with `push`, end with `finish`."""

    def __init__(
        self,
        outlet: Outlet,
        *,
        edit_interval: float,
        limit: int,
        clock: Callable[[], float] = time.monotonic,
        budget: RequestBudget | None = None,
        on_sent: Callable[[list[int]], None] | None = None,
    ) -> None:
        self._outlet = outlet
        self._budget = budget
        self._on_sent = on_sent
        self._slot: asyncio.Future[None] | None = None
        self._interval = edit_interval
        self._limit = limit - FENCE_MARGIN
        self._clock = clock
        self._text = ""
        self._segments = [_Segment(start=0)]
        self._wake = asyncio.Event()
        self._closing = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    @property
    def started(self) -> bool:
        """Whether the first message is out (the typing indicator can stop)."""
        return self._segments[0].message_id is not None

    @property
    def message_ids(self) -> list[int]:
        return [s.message_id for s in self._segments if s.message_id is not None]

    def push(self, token: str) -> None:
        """Add streamed text; sending and editing happen in the background, throttled."""
        self._text += token
        self._roll_over()
        self._wake.set()
        if self._pump is None:
            self._pump = asyncio.create_task(self._run_pump())

    async def finish(self, final_texts: Sequence[str]) -> list[int]:
        """Make the messages read exactly `final_texts` (one message each); return their ids."""
        await self._stop_pump()
        segments = self._segments
        ids: list[int] = []
        for index, text in enumerate(final_texts):
            if index < len(segments) and segments[index].message_id is not None:
                segment = segments[index]
                if segment.shown != text:
                    await asyncio.sleep(
                        max(0.0, segment.edited_at + self._interval - self._clock())
                    )
                    await self._edit(segment, text)
                assert segment.message_id is not None
                ids.append(segment.message_id)
            else:
                ids.append(await self._outlet.send(text))
                if self._on_sent is not None:
                    self._on_sent([*self.message_ids, *ids[len(self.message_ids) :]])
        for segment in segments[len(final_texts) :]:
            if segment.message_id is not None:
                await self._outlet.delete(segment.message_id)
        return ids

    async def abort(self) -> None:
        """Stop streaming and leave what was shown as it is (a failed send was already logged)."""
        with contextlib.suppress(Exception):
            await self._stop_pump()

    async def _stop_pump(self) -> None:
        self._closing.set()
        self._wake.set()
        if self._slot is not None:
            self._slot.cancel()  # a final edit follows: the pending streamed one is moot
        if self._pump is not None:
            await self._pump

    def _roll_over(self) -> None:
        """Close the current message once its draft passes the limit and start the next one."""
        while True:
            current = self._segments[-1]
            body = current.reopen + self._text[current.start :]
            if len(body) <= self._limit:
                return
            end = current.start + _cut_point(body, self._limit) - len(current.reopen)
            end = max(end, current.start + 1)
            current.end = end
            fence = is_inside_fence(current.reopen + self._text[current.start : end])
            self._segments.append(_Segment(start=end, reopen=f"{fence}\n" if fence else ""))

    def _draft(self, segment: _Segment) -> str:
        return balance_fences(segment.reopen + self._text[segment.start : segment.end])

    async def _run_pump(self) -> None:
        while not self._closing.is_set():
            await self._wake.wait()
            self._wake.clear()
            while (delay := await self._flush()) is not None and not self._closing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), delay)

    async def _flush(self) -> float | None:
        """Send new messages and make due edits; return the wait until the next edit, if any."""
        waits: list[float] = []
        for segment in list(self._segments):
            draft = self._draft(segment)
            if not draft.strip() or draft == segment.shown:
                continue
            if segment.message_id is None:
                segment.message_id = await self._outlet.send(draft)
                segment.shown, segment.edited_at = draft, self._clock()
                if self._on_sent is not None:
                    self._on_sent(self.message_ids)
                continue
            wait = segment.edited_at + self._interval - self._clock()
            if wait > 0:
                waits.append(wait)
            elif await self._stream_slot():
                draft = self._draft(segment)  # the newest text: waiting for a slot coalesces
                with prepaid(self._budget) if self._budget else contextlib.nullcontext():
                    await self._edit(segment, draft)
            else:
                return None
        return min(waits) if waits else None

    async def _stream_slot(self) -> bool:
        """Wait for a STREAM slot of the budget; False when the answer is finishing instead."""
        if self._budget is None:
            return True
        self._slot = asyncio.ensure_future(self._budget.take(STREAM))
        try:
            await self._slot
            return True
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._closing.is_set() and task is not None and not task.cancelling():
                return False
            raise
        finally:
            self._slot = None

    async def _edit(self, segment: _Segment, text: str) -> None:
        assert segment.message_id is not None
        await self._outlet.edit(segment.message_id, text)
        segment.shown, segment.edited_at = text, self._clock()
