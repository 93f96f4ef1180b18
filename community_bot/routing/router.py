"""The router: a tier for a message, learned from labeled messages, without calling a model.

The learned model (`learned`) estimates how likely the message needs each tier from its words,
word pieces, shape (`signals`), knowledge-base match and the previous turn's tier. A message goes
large from a P(large) threshold calibrated on personas held out of training; `quality_bias`
(ROUTER_QUALITY_BIAS) lowers that threshold for safety or raises it for cost. Near the boundary
the threshold sits well under 0.5 on purpose: when unsure, go up. A short follow-up keeps at
least the previous turn's tier. The reason names the probability and the evidence, e.g.
`large: P(large) 0.91 ≥ 0.22 — traceback, error message, "why"`.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from community_bot.routing import features, learned, policy, rules, signals
from community_bot.routing.choice import RouteChoice
from community_bot.types import TIERS, Tier

log = logging.getLogger(__name__)

DEFAULT_QUALITY_BIAS = 0.0
# A pasted traceback or log is a debugging session whatever the words around it say (or when
# there are none): the one rule kept on top of the learned model.
_PASTED_FAILURE = frozenset({signals.TRACEBACK, signals.LOG})
_warned: list[str] = []


def large_threshold(calibrated: float, quality_bias: float) -> float:
    """The P(large) from which a message goes large, for a bias in [-1, 1].

    0 keeps the calibrated threshold; towards 1 it falls to 0 (everything large, safest and
    dearest); towards -1 it rises to 1 (nothing large, cheapest).
    """
    if not -1.0 <= quality_bias <= 1.0:
        raise ValueError(f"ROUTER_QUALITY_BIAS must be between -1 and 1 (got {quality_bias})")
    if quality_bias >= 0:
        return calibrated * (1 - quality_bias)
    return calibrated + (1 - calibrated) * -quality_bias


def decide(
    text: str,
    *,
    previous_tier: Tier | None = None,
    previous_text: str | None = None,
    kb_top_score: float | None = None,
    kb_hit: bool | None = None,
    quality_bias: float = DEFAULT_QUALITY_BIAS,
) -> RouteChoice:
    """Pick a tier for `text`; see the module docstring. Takes tens of microseconds."""
    try:
        model = learned.load()
    except learned.WeightsUnreadable as exc:
        return _rules_instead(text, previous_tier, previous_text, kb_top_score, kb_hit, exc)
    return decide_with(
        model,
        text,
        previous_tier=previous_tier,
        previous_text=previous_text,
        kb_top_score=kb_top_score,
        kb_hit=kb_hit,
        quality_bias=quality_bias,
    )


def decide_with(
    model: learned.Model,
    text: str,
    *,
    previous_tier: Tier | None = None,
    previous_text: str | None = None,
    kb_top_score: float | None = None,
    kb_hit: bool | None = None,
    quality_bias: float = DEFAULT_QUALITY_BIAS,
) -> RouteChoice:
    """`decide` with a given model: training scores models the same way the bot runs them."""
    threshold = large_threshold(model.large_threshold, quality_bias)
    if previous_tier is None and previous_text:
        # Without the recorded tier (the CLI, a labeled file), the previous text's own stands in.
        previous_tier = decide_with(model, previous_text, quality_bias=quality_bias).tier
    reading = signals.read(text)
    found = features.extract(
        text, reading, kb_top_score=kb_top_score, kb_hit=kb_hit, previous_tier=previous_tier
    )
    verdict = model.judge(found)
    tier: Tier = "small"
    pasted_failure = bool(reading.signals & _PASTED_FAILURE)
    if verdict.large >= threshold or pasted_failure:
        tier = "large"
    elif verdict.at_least_medium >= model.medium_threshold:
        tier = "medium"
    evidence = _evidence(tier, verdict, reading, found)
    if pasted_failure and verdict.large < threshold:
        evidence.insert(0, "pasted traceback/log (always large)")
    if tier != "large" and rules.is_follow_up(text, reading):
        floor = _previous_floor(model, previous_tier, previous_text, quality_bias)
        if floor is not None and TIERS.index(floor) > TIERS.index(tier):
            tier = floor
            evidence.insert(0, f"{policy.LABELS[policy.FOLLOW_UP]} to a {floor} turn")
    odds = (
        f"P(large) {verdict.large:.2f} {'≥' if verdict.large >= threshold else '<'} {threshold:.2f}"
    )
    reason = f"{tier}: {odds} — {', '.join(evidence) if evidence else 'no complexity signals'}"
    return RouteChoice(tier, reason, round(verdict.large, 4), verdict.towards_large)


def _previous_floor(
    model: learned.Model,
    previous_tier: Tier | None,
    previous_text: str | None,
    quality_bias: float,
) -> Tier | None:
    """The tier a follow-up inherits: the higher of the previous turn's and its text's own."""
    tiers: list[Tier] = [previous_tier] if previous_tier else []
    if previous_text:
        tiers.append(decide_with(model, previous_text, quality_bias=quality_bias).tier)
    return max(tiers, key=TIERS.index) if tiers else None


def _evidence(
    tier: Tier, verdict: learned.Verdict, reading: signals.Reading, found: dict[str, float]
) -> list[str]:
    """Readable names for what decided: the strongest pushes to large, else the signals seen."""
    if tier == "large":
        names = [_label(name) for name, _ in verdict.towards_large]
        readable = [n for n in dict.fromkeys(names) if n and not n.startswith('"…')]
        return (readable or [n for n in dict.fromkeys(names) if n])[:5]
    named = [policy.LABELS[s] for s in sorted(reading.signals)]
    kb = _label(next((f for f in found if f[:3] == "kb:"), ""))
    return [*named, kb] if kb else named


def _label(feature: str) -> str:
    family, _, value = feature.partition(":")
    if family == "sig":
        return policy.LABELS.get(value, value)
    if family == "w":  # short words ("and", "we") weigh in, but explain nothing
        return f'"{value}"' if len(value) >= 4 and value.isalpha() else ""
    if family == "b":
        return f'"{value}"' if "0" not in value.split() else ""
    if family == "c":
        return f'"…{value.strip("<>")}…"'
    if family == "prev":
        return f"follow-up to a {value.split(':')[0]} turn"
    if family == "kb":
        labels = {"miss": "KB miss", "weak": "weak KB match", "clear": "KB answers it"}
        return labels.get(value, "")
    if family == "len":
        return "long message"
    if family == "lines":
        return "many lines"
    if family == "marks":
        return "several questions" if value not in {"0", "1"} else ""
    return ""


def _rules_instead(
    text: str,
    previous_tier: Tier | None,
    previous_text: str | None,
    kb_top_score: float | None,
    kb_hit: bool | None,
    problem: Exception,
) -> RouteChoice:
    """The hand-tuned router, said so in the reason and logged once: never a silent downgrade."""
    if not _warned:
        _warned.append(str(problem))
        log.error("learned router unavailable (%s): routing with the hand-tuned rules", problem)
    choice = rules.decide(
        text,
        previous_tier=previous_tier,
        previous_text=previous_text,
        kb_top_score=kb_top_score,
        kb_hit=kb_hit,
    )
    return replace(choice, reason=f"{choice.reason} (hand-tuned rules: learned weights unreadable)")
