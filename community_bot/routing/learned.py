"""The learned router's model: three-tier logistic regression over `features`, read from a file.

The weights are trained by `python -m bench.routing_train` on the labeled corpus and shipped as
`router_weights.json` beside this module: feature name → one weight per tier, the intercepts, and
the P(large) threshold that was calibrated on personas held out of training. Scoring is a sparse
dot product in plain Python (no numpy at run time).
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from community_bot.types import TIERS

WEIGHTS_FILE = Path(__file__).with_name("router_weights.json")
FORMAT = 1


class WeightsUnreadable(Exception):
    """The weights file is missing or not in this module's format."""


@dataclass(frozen=True)
class Verdict:
    """Probabilities per tier (small, medium, large) and the features that pushed towards large."""

    probabilities: tuple[float, float, float]
    towards_large: tuple[tuple[str, float], ...]  # strongest first, only those that raised it

    @property
    def large(self) -> float:
        return self.probabilities[2]

    @property
    def at_least_medium(self) -> float:
        return self.probabilities[1] + self.probabilities[2]


@dataclass(frozen=True)
class Model:
    weights: Mapping[str, tuple[float, float, float]]
    large_threshold: float  # calibrated P(large) from which a message goes large
    medium_threshold: float  # P(medium or large) from which a message goes at least medium
    # How much each feature favours large over the other two, for the reason; the intercept and
    # the length scale explain nothing. Derived from `weights`.
    pushes: Mapping[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pushes = {
            name: 0.0 if name.startswith(("bias:", "len:log")) else w[2] - (w[0] + w[1]) / 2
            for name, w in self.weights.items()
        }
        object.__setattr__(self, "pushes", pushes)

    def judge(self, features: Mapping[str, float]) -> Verdict:
        weights, pushes_of = self.weights, self.pushes
        small = medium = large = 0.0
        pushes: list[tuple[float, str]] = []
        for name, value in features.items():
            w = weights.get(name)
            if w is None:
                continue
            small += w[0] * value
            medium += w[1] * value
            large += w[2] * value
            if (push := pushes_of[name] * value) > 0:
                pushes.append((push, name))
        top = max(small, medium, large)
        exps = (math.exp(small - top), math.exp(medium - top), math.exp(large - top))
        total = sum(exps)
        strongest = tuple((name, push) for push, name in heapq.nlargest(10, pushes))
        return Verdict((exps[0] / total, exps[1] / total, exps[2] / total), strongest)


def parse(data: object) -> Model:
    """A model from decoded JSON; WeightsUnreadable names what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WeightsUnreadable(f"not a format-{FORMAT} router weights file")
    if data.get("classes") != list(TIERS):
        raise WeightsUnreadable(f"classes must be {list(TIERS)}")
    try:
        weights = {
            str(k): (float(v[0]), float(v[1]), float(v[2])) for k, v in data["weights"].items()
        }
        return Model(weights, float(data["large_threshold"]), float(data["medium_threshold"]))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise WeightsUnreadable(f"malformed router weights ({exc})") from exc


@cache
def load(path: Path = WEIGHTS_FILE) -> Model:
    """The shipped model, read once per process (a few milliseconds)."""
    try:
        return parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise WeightsUnreadable(f"cannot read {path}: {exc}") from exc
