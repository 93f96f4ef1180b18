"""Map the bot's answer messages to their turns, so 👍/👎 reactions become feedback."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

SCORES = {"👍": 1, "👎": -1}
_SKIN_TONES = "".join(chr(c) for c in range(0x1F3FB, 0x1F400))


def score_of(emoji_name: str | None) -> int | None:
    """+1 for 👍, -1 for 👎 (any skin tone), None for every other reaction."""
    if not emoji_name:
        return None
    return SCORES.get(emoji_name.rstrip(_SKIN_TONES + "\ufe0f"))


@dataclass(frozen=True)
class TurnRef:
    thread_id: str
    run_id: str | None


class AnswerIndex:
    """Recent answer message id → turn; bounded, oldest forgotten first.

    Held in memory: reactions on answers from before a restart are not recorded.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._turns: OrderedDict[int, TurnRef] = OrderedDict()

    def remember(self, message_ids: list[int], turn: TurnRef) -> None:
        for message_id in message_ids:
            self._turns[message_id] = turn
            self._turns.move_to_end(message_id)
        while len(self._turns) > self._capacity:
            self._turns.popitem(last=False)

    def lookup(self, message_id: int) -> TurnRef | None:
        return self._turns.get(message_id)
