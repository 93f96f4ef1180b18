"""The hand-written labeled set stays realistic and the router keeps its quality on it.

Regression guards only: the learned router is trained on this set (as one of twelve origins), so
these are in-sample numbers. Its honest, held-out-by-origin numbers come from
`python -m bench.routing_train` (docs/routing.md); v1 scored 97.8% here, 92.4% on `heldout`.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.routing_quality import load
from community_bot.routing.evaluation import (
    LARGE_SENT_LOWER_LIMIT,
    CostModel,
    Outcome,
    Scores,
)

CATEGORIES = {
    "greeting",
    "thanks",
    "faq",
    "how-to",
    "debugging",
    "design",
    "multi-step",
    "follow-up",
}


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return load()


def test_the_set_covers_every_kind_of_message_with_an_honest_held_out_part(
    outcomes: list[Outcome],
) -> None:
    categories = Counter(o.category for o in outcomes)
    held_out = [o for o in outcomes if o.split == "heldout"]

    assert len(outcomes) >= 150
    assert set(categories) == CATEGORIES
    assert min(categories.values()) >= 15
    assert 0.25 <= len(held_out) / len(outcomes) <= 0.35
    assert {o.category for o in held_out} == CATEGORIES
    assert set(Counter(o.expected for o in held_out)) == {"small", "medium", "large"}
    assert all(o.request.previous_text for o in outcomes if o.category == "follow-up")
    assert sum(1 for o in outcomes if "```" in o.request.text) >= 15


def test_routing_accuracy_holds_on_the_whole_set_and_the_held_out_part(
    outcomes: list[Outcome],
) -> None:
    assert Scores(outcomes).accuracy >= 0.95
    assert Scores([o for o in outcomes if o.split == "heldout"]).accuracy >= 0.88


@pytest.mark.parametrize("split", [None, "heldout"])
def test_large_tier_messages_are_almost_never_sent_lower(
    outcomes: list[Outcome], split: str | None
) -> None:
    scores = Scores([o for o in outcomes if split is None or o.split == split])

    assert scores.large_total > 20
    assert scores.large_sent_lower_rate <= LARGE_SENT_LOWER_LIMIT


def test_routing_costs_under_half_of_always_nova_pro(outcomes: list[Outcome]) -> None:
    costs = CostModel.defaults()

    routed = costs.per_thousand(Scores(outcomes).routed_counts())

    assert routed <= 0.5 * costs.per_thousand({"large": 1})


def test_cost_per_thousand_messages_follows_the_price_table() -> None:
    costs = CostModel.defaults()

    assert costs.per_thousand({"large": 7}) == pytest.approx(1.76)  # Nova Pro: 0.8 / 3.2 per 1M
    assert costs.per_thousand({"medium": 1}) == pytest.approx(0.132)  # Nova Lite
    assert costs.per_thousand({"small": 3}) == 0.0  # Ollama runs locally
    assert costs.with_small("amazon.nova-micro-v1:0").per_thousand({"small": 1}) == pytest.approx(
        0.077
    )
    assert costs.per_thousand({"small": 2, "large": 2}) == pytest.approx(0.88)
