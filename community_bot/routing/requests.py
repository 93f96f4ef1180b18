"""Routing requests read from JSON Lines: `{"q": …}` plus optional conversation and KB context.

The same line format feeds `community-bot route --jsonl` and `--eval`, so a labeled set can be
routed, diffed and scored as it is. Fields besides the ones below are kept untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from community_bot.routing.choice import RouteChoice
from community_bot.routing.router import decide
from community_bot.types import TIERS, Tier

FIELDS_HELP = (
    'Each line is a JSON object: "q" (the message, required), "previous" (the message before '
    'it), "previous_tier" (small|medium|large), "kb_hit" (true|false), "kb_top_score" (0-1); '
    "any other field is passed through."
)


@dataclass(frozen=True)
class RouteRequest:
    """One message with its context, and the JSON object it came from."""

    text: str
    previous_text: str | None = None
    previous_tier: Tier | None = None
    kb_top_score: float | None = None
    kb_hit: bool | None = None
    fields: dict[str, Any] | None = None
    line: int = 0  # where it was read, for messages about it

    def decide(self, quality_bias: float = 0.0) -> RouteChoice:
        return decide(
            self.text,
            previous_tier=self.previous_tier,
            previous_text=self.previous_text,
            kb_top_score=self.kb_top_score,
            kb_hit=self.kb_hit,
            quality_bias=quality_bias,
        )


@dataclass(frozen=True)
class BadLine:
    """A line that could not be read, by number, and what is wrong with it."""

    number: int
    problem: str


def read_requests(lines: Iterable[str]) -> Iterator[RouteRequest | BadLine]:
    """Requests in file order; unreadable lines come out as `BadLine`s, blank lines not at all."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield replace(parse_request(json.loads(line)), line=number)
        except json.JSONDecodeError as exc:
            yield BadLine(number, f"not JSON ({exc.msg})")
        except ValueError as exc:
            yield BadLine(number, str(exc))


def parse_request(obj: object) -> RouteRequest:
    """A request from one decoded line; ValueError names the field that is wrong."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    text = obj.get("q")
    if not isinstance(text, str):
        raise ValueError('"q" must be a string')
    previous = obj.get("previous")
    if previous is not None and not isinstance(previous, str):
        raise ValueError('"previous" must be a string')
    kb_hit = obj.get("kb_hit")
    if kb_hit is not None and not isinstance(kb_hit, bool):
        raise ValueError('"kb_hit" must be true or false')
    score = obj.get("kb_top_score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ValueError('"kb_top_score" must be a number')
    previous_tier = obj.get("previous_tier")
    return RouteRequest(
        text=text,
        previous_text=previous,
        previous_tier=None if previous_tier is None else parse_tier(previous_tier, "previous_tier"),
        kb_top_score=None if score is None else float(score),
        kb_hit=kb_hit,
        fields=obj,
    )


def parse_tier(value: object, field: str) -> Tier:
    """`value` as a tier, or ValueError naming `field`."""
    for tier in TIERS:
        if value == tier:
            return tier
    raise ValueError(f'"{field}" must be one of {", ".join(TIERS)} (got {value!r})')
