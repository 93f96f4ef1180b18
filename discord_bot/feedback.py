"""Map the bot's answer messages to their turns, so 👍/👎 reactions become feedback.

An answer's messages are known from the moment they are sent, but its turn (the run id the
feedback points at) only once the answer is final; a vote cast while the answer streams is held
and recorded then. Removing a reaction retracts the vote (recorded as score 0).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

SCORES = {"👍": 1, "👎": -1}
RETRACTED = 0
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


@dataclass
class _Answer:
    thread_id: str
    run_id: str | None = None  # None while the answer streams
    votes: dict[str, int] = field(default_factory=dict)  # user id → latest score


class AnswerIndex:
    """Recent answer message id → turn and votes; bounded, oldest forgotten first.

    Held in memory: reactions on answers from before a restart are not recorded.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._answers: OrderedDict[int, _Answer] = OrderedDict()

    def streaming(self, message_id: int, thread_id: str) -> None:
        """A message of an answer still being written: votes on it are held."""
        answer = self._answers.setdefault(message_id, _Answer(thread_id))
        answer.thread_id = thread_id
        self._trim()

    def remember(self, message_ids: list[int], turn: TurnRef) -> list[tuple[str, int]]:
        """The answer is final; returns the votes held while it streamed, to record now."""
        held: dict[str, int] = {}
        for message_id in message_ids:
            answer = self._answers.pop(message_id, None)
            votes = answer.votes if answer else {}
            held.update(votes)
            self._answers[message_id] = _Answer(turn.thread_id, turn.run_id, dict(votes))
        self._trim()
        return list(held.items())

    def vote(self, message_id: int, user_id: str, score: int, *, mine: bool) -> TurnRef | None:
        """Note a vote (or a retraction); the turn to record it against, None to hold it or to
        ignore it (not an answer, or a retraction by someone who never voted).

        `mine`: the message is the bot's. A vote can arrive before the bot has heard back that
        its message was sent; it is held for the answer that message turns out to belong to.
        """
        answer = self._answers.get(message_id)
        if answer is None and mine:
            answer = self._answers[message_id] = _Answer("")
            self._trim()
        if answer is None or (score == RETRACTED and user_id not in answer.votes):
            return None
        answer.votes[user_id] = score
        return None if answer.run_id is None else TurnRef(answer.thread_id, answer.run_id)

    def lookup(self, message_id: int) -> TurnRef | None:
        answer = self._answers.get(message_id)
        return None if answer is None else TurnRef(answer.thread_id, answer.run_id)

    def _trim(self) -> None:
        while len(self._answers) > self._capacity:
            self._answers.popitem(last=False)
