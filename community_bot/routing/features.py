"""What the learned router sees in a message: words, word pairs, word pieces and its shape.

Features are named strings with a value, so the shipped weights are readable (`w:why`,
`c:grat`, `sig:traceback`) and a reason can name the words that counted. Word features come from
the prose only (pasted code and logs would teach the model file names, not difficulty); what was
pasted shows through the structural signals of `signals.read`. Everything is plain Python over the
first `MAX_WORDS` words, so a decision stays well under a millisecond.
"""

from __future__ import annotations

import itertools
import math
import re

from community_bot.routing import signals
from community_bot.types import Tier

MAX_WORDS = 150
CHAR_GRAMS_FROM_WORDS = 50  # word pieces for the first words only: they matter most, cost most

_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[?!]", re.U)
_LENGTH_BUCKETS = (3, 8, 15, 30, 60, 120)


def extract(
    text: str,
    reading: signals.Reading,
    *,
    kb_top_score: float | None,
    kb_hit: bool | None,
    previous_tier: Tier | None,
) -> dict[str, float]:
    """Feature name → value for one message in its context."""
    prose = _FENCE.sub(" ", text).lower()
    tokens = _TOKEN.findall(prose)[:MAX_WORDS]
    found: dict[str, float] = {"bias:1": 1.0}
    words = [t if not t.isdigit() else "0" for t in tokens]
    grams = [f"w:{w}" for w in words]
    grams += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    pieces: list[str] = []
    for word in words[:CHAR_GRAMS_FROM_WORDS]:
        if len(word) < 4:
            continue
        padded = f"<{word}>"
        pieces += [f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3)]
    # Each family weighs the same whatever the message's length: a long message is not a
    # hard one by its word count alone (length has its own features below).
    for family in (grams, pieces):
        if family:
            value = 1.0 / math.sqrt(len(family))
            for name in family:
                found[name] = found.get(name, 0.0) + value
    for name in reading.signals:
        found[f"sig:{name}"] = 1.0
    found[f"len:{_bucket(reading.words)}"] = 1.0
    found["len:log"] = math.log1p(reading.words) / 5
    lines = text.count("\n") + 1
    found[f"lines:{_bucket(lines)}"] = 1.0
    marks = prose.count("?")
    found[f"marks:{min(marks, 3)}"] = 1.0
    # Small talk ignores the knowledge base: no passage is about "thanks!".
    social = signals.SOCIAL in reading.signals
    found[_knowledge(None, None) if social else _knowledge(kb_top_score, kb_hit)] = 1.0
    if previous_tier is not None:
        short = "short" if reading.words <= 15 else "long"
        found[f"prev:{previous_tier}"] = 1.0
        found[f"prev:{previous_tier}:{short}"] = 1.0
    return found


def _bucket(count: int) -> int:
    return next((i for i, top in enumerate(_LENGTH_BUCKETS) if count <= top), len(_LENGTH_BUCKETS))


def _knowledge(kb_top_score: float | None, kb_hit: bool | None) -> str:
    if kb_hit is False:
        return "kb:miss"
    if kb_top_score is None:
        return "kb:hit" if kb_hit else "kb:unknown"
    if kb_top_score >= 0.75:
        return "kb:clear"
    return "kb:weak" if kb_top_score < 0.5 else "kb:partial"
