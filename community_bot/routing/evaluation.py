"""Scores the router on a labeled set: accuracy, confusion, large sent lower, and what it costs.

A labeled line is a routing request (see `requests`) with the expected `"tier"`, and optionally a
`"category"` and a `"split"` (such as `tune` / `heldout`) to report separately. Cost assumes every
message takes the same tokens, so it compares routing choices rather than predicting a bill.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from community_bot.models.prices import PriceTable, base_model_id
from community_bot.models.providers import OLLAMA
from community_bot.routing.requests import BadLine, RouteRequest, parse_tier, read_requests
from community_bot.settings import ModelSettings
from community_bot.types import TIERS, Tier

INPUT_TOKENS = 200
OUTPUT_TOKENS = 500
NOVA_MICRO = "amazon.nova-micro-v1:0"
# Sending a large-tier message lower is the costly mistake (a weak answer to a hard question);
# the router must keep it at or below this rate.
LARGE_SENT_LOWER_LIMIT = 0.05


@dataclass(frozen=True)
class Outcome:
    """One labeled message and where the router sent it."""

    request: RouteRequest
    expected: Tier
    routed: Tier
    reason: str

    @property
    def category(self) -> str:
        return str((self.request.fields or {}).get("category", "")) or "-"

    @property
    def origin(self) -> str | None:
        origin = (self.request.fields or {}).get("origin")
        return str(origin) if origin is not None else None

    @property
    def split(self) -> str | None:
        split = (self.request.fields or {}).get("split")
        return str(split) if split is not None else None


def outcome_of(request: RouteRequest, quality_bias: float = 0.0) -> Outcome:
    """Route a labeled request; ValueError when its `"tier"` label is missing or unknown."""
    expected = parse_tier((request.fields or {}).get("tier"), "tier")
    choice = request.decide(quality_bias)
    return Outcome(request, expected, choice.tier, choice.reason)


@dataclass(frozen=True)
class Scores:
    """Accuracy and the large-sent-lower rate of a group of outcomes."""

    outcomes: Sequence[Outcome]

    @property
    def confusion(self) -> Counter[tuple[Tier, Tier]]:
        """How many messages of each labeled tier went to each routed tier."""
        return Counter((o.expected, o.routed) for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def accuracy(self) -> float:
        right = sum(1 for o in self.outcomes if o.expected == o.routed)
        return right / self.total if self.total else 0.0

    @property
    def large_total(self) -> int:
        return sum(1 for o in self.outcomes if o.expected == "large")

    @property
    def large_sent_lower(self) -> int:
        return sum(1 for o in self.outcomes if o.expected == "large" and o.routed != "large")

    @property
    def large_sent_lower_rate(self) -> float:
        return self.large_sent_lower / self.large_total if self.large_total else 0.0

    @property
    def large_recall(self) -> float:
        """Share of large-tier messages routed large: the quality goal (≥ 97%)."""
        return 1.0 - self.large_sent_lower_rate if self.large_total else 1.0

    @property
    def large_precision(self) -> float:
        """Share of messages routed large that needed it: what the large tier's spend buys."""
        routed = sum(1 for o in self.outcomes if o.routed == "large")
        right = sum(1 for o in self.outcomes if o.routed == "large" and o.expected == "large")
        return right / routed if routed else 1.0

    @property
    def large_vs_not_accuracy(self) -> float:
        """Accuracy of the boundary that matters: large or not."""
        right = sum(1 for o in self.outcomes if (o.expected == "large") == (o.routed == "large"))
        return right / self.total if self.total else 0.0

    def routed_counts(self) -> Counter[Tier]:
        return Counter(o.routed for o in self.outcomes)


Metric = Callable[[Scores], float]


def bootstrap(
    outcomes: Sequence[Outcome], metric: Metric, *, rounds: int = 1000, seed: int = 14
) -> tuple[float, float]:
    """95% confidence interval of `metric` by resampling the messages with replacement."""
    if not outcomes:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(outcomes)
    values = sorted(
        metric(Scores([outcomes[rng.randrange(n)] for _ in range(n)])) for _ in range(rounds)
    )
    return values[int(0.025 * rounds)], values[min(rounds - 1, int(0.975 * rounds))]


@dataclass(frozen=True)
class CostModel:
    """USD per message for each tier's model, at `INPUT_TOKENS` in and `OUTPUT_TOKENS` out."""

    models: Mapping[Tier, str]
    prices: PriceTable = field(default_factory=PriceTable)

    def per_message(self, model: str) -> float:
        local = model.strip().lower() == OLLAMA
        return self.prices.cost(model, INPUT_TOKENS, OUTPUT_TOKENS, local=local)

    def per_thousand(self, counts: Mapping[Tier, int]) -> float:
        """Cost of 1,000 messages spread over the tiers like `counts`."""
        total = sum(counts.values())
        if not total:
            return 0.0
        spent = sum(n * self.per_message(self.models[tier]) for tier, n in counts.items())
        return spent / total * 1000

    def with_small(self, model: str) -> CostModel:
        return CostModel({**self.models, "small": model}, self.prices)

    @classmethod
    def from_settings(cls, models: ModelSettings) -> CostModel:
        """The configured MODEL_SMALL/MEDIUM/LARGE at the configured MODEL_PRICES."""
        tiers = {tier: getattr(models, f"model_{tier}") for tier in TIERS}
        return cls(tiers, PriceTable(models.model_prices))

    @classmethod
    def defaults(cls) -> CostModel:
        """The built-in tier models and prices, whatever the environment says."""
        models = {tier: ModelSettings.model_fields[f"model_{tier}"].default for tier in TIERS}
        return cls(models)


def read_labeled(
    lines: Iterable[str], quality_bias: float = 0.0
) -> tuple[list[Outcome], list[BadLine]]:
    """Route every labeled line; lines without a readable request or label come back as bad."""
    outcomes: list[Outcome] = []
    bad: list[BadLine] = []
    for item in read_requests(lines):
        if isinstance(item, BadLine):
            bad.append(item)
            continue
        try:
            outcomes.append(outcome_of(item, quality_bias))
        except ValueError as exc:
            bad.append(BadLine(item.line, str(exc)))
    return outcomes, bad


def report(outcomes: Sequence[Outcome], costs: CostModel, title: str) -> str:
    """The whole evaluation as Markdown: per split, confusion, per category, cost."""
    everything = Scores(outcomes)
    groups: list[tuple[str, Scores]] = [("all", everything)]
    for split in sorted({o.split for o in outcomes if o.split is not None}):
        groups.append((split, Scores([o for o in outcomes if o.split == split])))
    lines = [
        f"## {title}",
        "",
        f"| set | messages | accuracy | large sent lower (limit {LARGE_SENT_LOWER_LIMIT:.0%}) |",
        "|---|---:|---:|---:|",
    ]
    for name, scores in groups:
        rate = scores.large_sent_lower_rate
        lower = f"{rate:.1%} ({scores.large_sent_lower}/{scores.large_total})"
        if rate > LARGE_SENT_LOWER_LIMIT:
            lower += " OVER THE LIMIT"
        lines.append(f"| {name} | {scores.total} | {scores.accuracy:.1%} | {lower} |")
    lines += ["", *quality_table(outcomes, costs)]
    lines += ["", "Confusion, all messages (rows: labeled tier, columns: routed tier):", ""]
    lines += ["| labeled \\ routed | " + " | ".join(TIERS) + " |", "|---|" + "---:|" * len(TIERS)]
    for expected in TIERS:
        row = " | ".join(str(everything.confusion.get((expected, r), 0)) for r in TIERS)
        lines.append(f"| {expected} | {row} |")
    lines += ["", "| category | messages | accuracy |", "|---|---:|---:|"]
    for category in sorted({o.category for o in outcomes}):
        scores = Scores([o for o in outcomes if o.category == category])
        lines.append(f"| {category} | {scores.total} | {scores.accuracy:.1%} |")
    lines += ["", *cost_table(everything.routed_counts(), costs)]
    return "\n".join(lines)


def cost_table(routed: Mapping[Tier, int], costs: CostModel) -> list[str]:
    """Cost per 1,000 messages as routed, with a Nova Micro small tier, and always-large."""
    large = costs.models["large"]
    always_large = costs.per_thousand({"large": 1})
    rows = [(f"routed (small = {costs.models['small']})", costs.per_thousand(routed))]
    if base_model_id(costs.models["small"]) != NOVA_MICRO:
        micro = costs.with_small(NOVA_MICRO)
        rows.append((f"routed (small = {NOVA_MICRO})", micro.per_thousand(routed)))
    rows.append((f"always {large}", always_large))
    share = " / ".join(f"{routed.get(t, 0)} {t}" for t in TIERS)
    lines = [
        f"Cost per 1,000 messages at {INPUT_TOKENS} input + {OUTPUT_TOKENS} output tokens "
        f"(routed: {share}; medium = {costs.models['medium']}, large = {large}):",
        "",
        "| routing | USD per 1,000 messages | vs always large |",
        "|---|---:|---:|",
    ]
    for name, usd in rows:
        relative = f"{usd / always_large:.1%}" if always_large else "-"
        lines.append(f"| {name} | ${usd:.4f} | {relative} |")
    return lines


def quality_table(outcomes: Sequence[Outcome], costs: CostModel) -> list[str]:
    """The goals' metrics with 95% bootstrap intervals: all messages, then each origin."""
    always = costs.per_thousand({"large": 1})

    def cost(scores: Scores) -> float:
        return costs.per_thousand(scores.routed_counts()) / always if always else 0.0

    metrics: list[Metric] = [
        lambda s: s.large_recall,
        lambda s: s.large_precision,
        lambda s: s.large_vs_not_accuracy,
        lambda s: s.accuracy,
        cost,
    ]
    groups: list[tuple[str, Sequence[Outcome]]] = [("all", outcomes)]
    for origin in sorted({o.origin for o in outcomes if o.origin is not None}):
        groups.append((origin, [o for o in outcomes if o.origin == origin]))
    lines = [
        "Quality with 95% bootstrap intervals (goals: large recall ≥ 97%, large vs not ≥ 90%, "
        "cost ≤ 35% of always large):",
        "",
        "| messages | n | large recall | large precision | large vs not | 3-tier accuracy "
        "| cost vs always large |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, group in groups:
        scores = Scores(group)
        cells = []
        for metric in metrics:
            low, high = bootstrap(group, metric, rounds=300)
            cells.append(f"{metric(scores):.1%} ({low:.1%}–{high:.1%})")
        lines.append(f"| {name} | {scores.total} | " + " | ".join(cells) + " |")
    return lines
