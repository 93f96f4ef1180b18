"""Which fenced code block is open at the end of some Markdown, so it can be closed or reopened.

A fence is a line that starts (after any spaces or tabs) with three or more backticks or tildes,
as in CommonMark: it closes only with the same character, at least as many of them, and nothing
else on the line, so ```` can hold ``` and ~~~ can hold both. Triple backticks later in a line
are inline code, never a fence. Everything here is a single regex pass: O(n), cheap enough to run
on every streamed edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A line that looks like a fence; whether it opens or closes one depends on what is open.
FENCE_LINE = re.compile(r"^[ \t]*(?P<marker>`{3,}|~{3,})(?P<info>[^\n]*)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Fence:
    """An open code block: enough to close it here and to open it again in another message."""

    opener: str  # the opening line without indentation or line ending, e.g. "```python"

    @property
    def char(self) -> str:
        return self.opener[0]

    @property
    def closer(self) -> str:
        """The shortest line that closes this block."""
        return self.opener[: len(self.opener) - len(self.opener.lstrip(self.char))]

    @property
    def reopen(self) -> str:
        """The line that opens the same block again, language included."""
        return self.opener + "\n"

    def is_closed_by(self, line: str) -> bool:
        marker = line.strip()
        return len(marker) >= len(self.closer) and marker == self.char * len(marker)


def _opened_by(line: str) -> Fence | None:
    opener = line.strip()
    if opener[0] == "`" and "`" in opener.lstrip("`"):
        return None  # ```a``` at the start of a line is inline code
    return Fence(opener)


def fence_transitions(text: str, fence: Fence | None = None) -> list[tuple[int, Fence | None]]:
    """Every line of `text` that opens or closes a block, as (end of that line, fence open after).

    `fence` is the block already open where `text` starts; `text` must start at a line start. The
    end is the index of the line's newline, or len(text) for an unterminated last line.
    """
    changes: list[tuple[int, Fence | None]] = []
    for line in FENCE_LINE.finditer(text):
        if fence is None:
            after = _opened_by(line.group())
        else:
            after = None if fence.is_closed_by(line.group()) else fence
        if after is not fence:
            changes.append((line.end(), after))
            fence = after
    return changes


def open_fence(text: str) -> Fence | None:
    """The block left open at the end of `text`; an unterminated last line counts as written."""
    changes = fence_transitions(text)
    return changes[-1][1] if changes else None


def is_inside_fence(text: str) -> str | None:
    """The opening line of the code block still open at the end of `text` (e.g. "```python")."""
    fence = open_fence(text)
    return fence.opener if fence else None


def balance_fences(partial: str) -> str:
    """Close the code block a streamed, unfinished answer is in, so each edit renders as code.

    Text with no open block comes back unchanged. The closing line is only ever appended, so the
    next edit can start again from the raw partial text.
    """
    fence = open_fence(partial)
    if fence is None:
        return partial
    return partial + ("" if partial.endswith("\n") else "\n") + fence.closer


class FenceTracker:
    """Follows the open block across pieces of one text fed in order, like reading it whole.

    Only complete lines count: a piece may end in the middle of a line, and the rest of that line
    arrives with the next piece.
    """

    def __init__(self) -> None:
        self.fence: Fence | None = None
        self._line = ""

    def feed(self, piece: str) -> None:
        text = self._line + piece
        complete = text.rfind("\n") + 1
        changes = fence_transitions(text[:complete], self.fence)
        if changes:
            self.fence = changes[-1][1]
        self._line = text[complete:]
