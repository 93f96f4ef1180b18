"""The hand-tuned router (v1): a tier from weighed signals, the conversation and the KB match.

Kept as the baseline the learned router is measured against (`python -m bench.routing_train`)
and as the fallback when the learned weights cannot be read. No model is called. The message's
signals are weighed (`policy.WEIGHTS`), the knowledge-base match moves the score, and a short
follow-up keeps the tier of the turn it follows. The reason names every signal that counted,
strongest first: "large: traceback + code block + error message".
"""

from __future__ import annotations

import re

from community_bot.routing import policy, signals
from community_bot.routing.choice import RouteChoice, Weighed
from community_bot.types import TIERS, Tier

_FOLLOW_UP_CUE = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|hmm+|yeah|right)[,.!]?\s+)?"
    r"(?:and|but|so|also|then|hmm+|what about|what if|how about|which one|tried|same|still"
    r"|can you elaborate|elaborate|doesn'?t|didn'?t|does that|nope|no luck)\b"
    r"|\b(?:it|its|it's|that|this|those|them|same|still|either|instead)\b",
    re.I,
)
_NEW_TOPIC = re.compile(
    r"\b(?:btw|by the way|unrelated|different question|another question|off[- ]?topic)\b", re.I
)


def decide(
    text: str,
    *,
    previous_tier: Tier | None = None,
    previous_text: str | None = None,
    kb_top_score: float | None = None,
    kb_hit: bool | None = None,
) -> RouteChoice:
    """Pick a tier for `text`; see the module docstring. Takes microseconds."""
    reading = signals.read(text)
    weighed = _weigh(reading)
    weighed += _knowledge(reading, _sum(weighed), kb_top_score, kb_hit)
    weighed.sort(key=lambda signal: (-signal[1], signal[0]))  # strongest first, then by name
    score = _sum(weighed)
    tier = _tier_for(score)
    labels = [policy.LABELS[name] for name, _ in weighed]
    if tier != "large" and is_follow_up(text, reading):
        floor = _previous_floor(previous_tier, previous_text)
        if floor is not None and _rank(floor) > _rank(tier):
            tier = floor
            labels.insert(0, f"{policy.LABELS[policy.FOLLOW_UP]} to a {floor} turn")
    reason = f"{tier}: {' + '.join(labels) if labels else 'no complexity signals'}"
    return RouteChoice(tier, reason, score, tuple(weighed))


def _knowledge(
    reading: signals.Reading, score: float, kb_top_score: float | None, kb_hit: bool | None
) -> list[Weighed]:
    """The knowledge-base signal that applies to this message, if any."""
    if signals.SOCIAL in reading.signals or not reading.signals:
        return []
    clear = kb_top_score is not None and kb_top_score >= policy.KB_CLEAR_SCORE
    if clear and kb_hit is not False:
        # The KB settles a look-up or a procedure, not a judgement or a debugging session.
        return (
            [(policy.KB_CLEAR, policy.WEIGHTS[policy.KB_CLEAR])]
            if score < policy.LARGE_FROM
            else []
        )
    weak = kb_top_score is not None and kb_top_score < policy.KB_WEAK_SCORE
    if kb_hit is False or weak:
        return [(policy.KB_MISS, policy.WEIGHTS[policy.KB_MISS])]
    return []


def _previous_floor(previous_tier: Tier | None, previous_text: str | None) -> Tier | None:
    """The tier a follow-up inherits: the higher of the previous turn's and its text's own.

    The recorded tier carries a chain of follow-ups ("and on mac?" after "and on windows?" after
    a hard question); reading the text again undoes a tier the budget lowered.
    """
    tiers: list[Tier] = []
    if previous_tier:
        tiers.append(previous_tier)
    if previous_text:
        tiers.append(_tier_for(_sum(_weigh(signals.read(previous_text)))))
    if not tiers:
        return None
    return max(tiers, key=_rank)


def is_follow_up(text: str, reading: signals.Reading) -> bool:
    """A short message that leans on the previous one ("and on windows?", "still failing")."""
    if signals.SOCIAL in reading.signals or reading.words > policy.FOLLOW_UP_MAX_WORDS:
        return False
    return leans_on_previous(text)


def leans_on_previous(text: str) -> bool:
    """Whether a message's own words continue the last one: a leading "and", "what about",
    "still", or a pronoun with nothing to point at ("does it work offline?"), and no "btw"."""
    return not _NEW_TOPIC.search(text) and bool(_FOLLOW_UP_CUE.search(text))


def _tier_for(score: float) -> Tier:
    if score >= policy.LARGE_FROM:
        return "large"
    return "medium" if score >= policy.MEDIUM_FROM else "small"


def _rank(tier: Tier) -> int:
    return TIERS.index(tier)


def _weigh(reading: signals.Reading) -> list[Weighed]:
    return [(name, policy.WEIGHTS[name]) for name in reading.signals]


def _sum(weighed: list[Weighed]) -> float:
    return sum(weight for _, weight in weighed)
