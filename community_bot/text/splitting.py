"""Split a long answer into Discord messages without breaking paragraphs or code blocks.

Discord rejects messages over 2,000 characters. Each cut is the latest one that fits of the best
kind available: a paragraph break, else a line break, else the end of a sentence, else a space,
else anywhere (a 5,000-character URL). Whitespace at a cut stays at the end of the earlier chunk,
where Discord hides it. A code block cut in two is closed at the end of one chunk and reopened,
language and all, at the start of the next, so every message renders on its own.

``join_chunks`` removes exactly those added lines, so ``join_chunks(split_reply(t, n)) == t``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from community_bot.text.fences import FENCE_LINE, Fence, FenceTracker, fence_transitions

DISCORD_MESSAGE_LIMIT = 2000
DEFAULT_LIMIT = 1800
# Below this, a fence line with its indentation, reopening and closing may not fit in one chunk,
# and a chunk may then have to end inside a block or hold only whitespace. MAX_RESPONSE_CHARS
# is at least 100, so the bot never splits that finely; smaller limits still fit and round-trip.
MIN_RENDERING_LIMIT = 40

# Kinds of cut, best first.
_PARAGRAPH, _LINE, _SENTENCE, _WORD, _ANYWHERE = range(5)
_SENTENCE_END = ".!?…"
_CLOSING_PUNCTUATION = ")]}\"'”’»*_"
_FENCE_RUN = re.compile(r"[ \t]*(?:`{3,}|~{3,})")


def split_reply(text: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Cut `text` into chunks of at most `limit` characters, in order, for separate messages.

    Text that fits comes back as ``[text]``; empty text as ``[]``. A chunk that ends inside a
    code block gets "\\n" and a closing fence line appended, and the next chunk starts with the
    block's opening line (no indentation) and "\\n". A block the text itself leaves open stays
    open in the last chunk (``balance_fences`` closes it, if wanted). When reopening a block
    would not leave room for a single character, that block is cut like plain text instead.
    A chunk is whitespace only when the text is, or holds a run of more than `limit` spaces.
    The rendering guarantees (no block left open, no whitespace-only chunk) need a limit of at
    least MIN_RENDERING_LIMIT; any limit keeps every chunk within it and round-trips.
    """
    if not 1 <= limit <= DISCORD_MESSAGE_LIMIT:
        raise ValueError(f"limit must be between 1 and {DISCORD_MESSAGE_LIMIT}, got {limit}")
    if not text:
        return []
    return _Splitter(text, limit).split()


def join_chunks(chunks: Sequence[str]) -> str:
    """The text ``split_reply`` was given: its chunks without the fence lines it added.

    A chunk other than the last ends in an added closing line exactly when the text up to its
    last newline is inside a block that this line closes; the next chunk then starts with that
    block's reopening line. Raises ValueError for chunks ``split_reply`` cannot have produced.
    """
    parts: list[str] = []
    tracker = FenceTracker()
    reopen = ""
    for position, chunk in enumerate(chunks):
        if not chunk.startswith(reopen):
            raise ValueError(f"chunk {position} does not reopen the block closed before it")
        body = chunk[len(reopen) :]
        reopen = ""
        if position < len(chunks) - 1:
            head, newline, tail = body.rpartition("\n")
            tracker.feed(head)
            fence = tracker.fence
            if newline and fence is not None and tail == fence.closer:
                body, reopen = head, fence.reopen
            else:
                tracker.feed(newline + tail)
        parts.append(body)
    return "".join(parts)


class _Splitter:
    """What the cut decisions need to know about every position of one text, computed once."""

    def __init__(self, text: str, limit: int) -> None:
        self.text = text
        self.limit = limit
        # Complete lines only: a line cut in two has not opened or closed anything yet.
        changes = [(end + 1, fence) for end, fence in fence_transitions(text) if end < len(text)]
        self._change_at = [0, *(position for position, _ in changes)]
        self._fence_from = [None, *(fence for _, fence in changes)]
        self._opened_at = {position for position, fence in changes if fence is not None}
        self._blocked = _blocked_cuts(text)
        self._last_visible = len(text.rstrip()) - 1

    def split(self) -> list[str]:
        text = self.text
        chunks: list[str] = []
        start, reopen = 0, ""
        while len(reopen) + len(text) - start > self.limit:
            end, fence = self._cut(start, len(reopen))
            close = "\n" + fence.closer if fence else ""
            chunks.append(reopen + text[start:end] + close)
            reopen = fence.reopen if fence else ""
            start = end
        chunks.append(reopen + text[start:])
        return chunks

    def _cut(self, start: int, head: int) -> tuple[int, Fence | None]:
        """Where the chunk that starts at `start`, after `head` added characters, should end.

        Returns the end and the block to close there. Blocked cuts, and cuts that would leave
        this chunk or the rest of the text only whitespace, are taken only when nothing else fits.
        """
        text = self.text
        first_visible = start
        while first_visible < len(text) and text[first_visible].isspace():
            first_visible += 1
        best: dict[int, tuple[int, Fence | None]] = {}
        fallback: tuple[int, Fence | None] | None = None
        for end in range(min(start + self.limit - head, len(text) - 1), start, -1):
            inside = self._fence_at(end)
            fence = inside if inside and self._can_reopen(inside) else None
            size = head + end - start + (1 + len(fence.closer) if fence else 0)
            if size > self.limit or (fence is None and self._reads_as_closed(start, end)):
                continue
            if self._blocked[end] or not first_visible < end <= self._last_visible:
                fallback = fallback or (end, fence)
                continue
            kind = self._kind(end, inside)
            best.setdefault(kind, (end, fence))
            if kind == _PARAGRAPH:
                break
        if best:
            return best[min(best)]
        assert fallback is not None, "a one-character chunk always fits"
        return fallback

    def _fence_at(self, position: int) -> Fence | None:
        """The block open after the complete lines before `position`."""
        return self._fence_from[bisect_right(self._change_at, position) - 1]

    def _can_reopen(self, fence: Fence) -> bool:
        return len(fence.reopen) + 1 + 1 + len(fence.closer) <= self.limit

    def _reads_as_closed(self, start: int, end: int) -> bool:
        """Whether a chunk with no added closing line would look to join_chunks as if it had one.

        Only a cut right after a bare closing fence, before its newline, can: never a preferred
        cut, since the line start just before it is a better one.
        """
        text = self.text
        if text[end - 1] not in "`~":
            return False
        newline = text.rfind("\n", start, end)
        if newline < 0:
            return False
        fence = self._fence_at(newline)
        return fence is not None and text[newline + 1 : end] == fence.closer

    def _kind(self, end: int, inside: Fence | None) -> int:
        text = self.text
        before, after = text[end - 1], text[end]
        if inside is not None:  # code: cut between lines, each keeping its indentation
            if before != "\n":
                return _WORD if before.isspace() and not after.isspace() else _ANYWHERE
            if end in self._opened_at or inside.is_closed_by(_line_at(text, end)):
                return _ANYWHERE  # it would leave an empty block in one of the chunks
            previous = text[text.rfind("\n", 0, end - 1) + 1 : end]
            return _PARAGRAPH if previous.isspace() else _LINE
        if not before.isspace() or after.isspace():
            return _ANYWHERE
        run = end - 1
        while run > 0 and text[run - 1].isspace():
            run -= 1
        newlines = text.count("\n", run, end)
        if newlines:
            return _PARAGRAPH if newlines > 1 else _LINE
        return _SENTENCE if _ends_sentence(text, run) else _WORD


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _ends_sentence(text: str, end: int) -> bool:
    while end > 0 and text[end - 1] in _CLOSING_PUNCTUATION:
        end -= 1
    return end > 0 and text[end - 1] in _SENTENCE_END


def _blocked_cuts(text: str) -> bytearray:
    """Cuts that would change how fences read, or split a CRLF: 1 at each such position.

    A chunk must not start with ``` the text has in the middle of a line (it would open a block),
    nor cut a fence line where its first part still reads as a fence (of another kind or length).
    """
    blocked = bytearray(len(text) + 1)
    for run in _FENCE_RUN.finditer(text):
        blocked[run.start() : run.end() - 2] = b"\x01" * (run.end() - 2 - run.start())
    for line in FENCE_LINE.finditer(text):
        marker, fence_like = line.start("marker"), line.end()
        tick = line.group("info").find("`")
        if line.group("marker")[0] == "`" and tick >= 0:  # from there on it is inline code
            fence_like = line.start("info") + tick
        blocked[line.start() : marker + 1] = bytes(marker + 1 - line.start())
        blocked[marker + 1 : fence_like + 1] = b"\x01" * (fence_like - marker)
    for crlf in re.finditer("\r\n", text):
        blocked[crlf.start() + 1] = 1
    return blocked
