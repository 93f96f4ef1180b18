"""The learned router: trained on many writers, calibrated to go up when unsure, tunable, readable.

Quality on held-out personas is a benchmark (`python -m bench.routing_train`), not a test; these
tests pin the behaviour that must hold whatever the weights: the corpus is varied and traceable,
the shipped weights load, the bias moves the boundary in the promised direction, and the reason
explains the decision.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.routing_train import CORPUS
from community_bot.routing import decide
from community_bot.routing.learned import WeightsUnreadable, load, parse
from community_bot.routing.router import large_threshold
from community_bot.settings import Settings

HARD = (
    "can you explain how the retriever decides which passages to keep, and whether I should "
    "tune the cut-off for my workload of long API reference pages?"
)


def test_the_corpus_is_large_varied_and_records_who_wrote_each_message() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    origins = Counter(row["origin"] for row in rows)
    styles = {row["style"] for row in rows}

    assert len(rows) >= 1500
    assert len(origins) >= 10 and min(origins.values()) >= 100
    assert {"one-liner", "paste", "multi-paragraph", "code", "follow-up"} <= styles
    for origin in origins:
        assert {r["tier"] for r in rows if r["origin"] == origin} == {"small", "medium", "large"}
    assert all(row["previous"] for row in rows if row["style"] == "follow-up")
    assert len({row["q"] for row in rows}) > 0.9 * len(rows)


def test_the_shipped_weights_load_and_go_up_when_unsure() -> None:
    model = load()

    assert len(model.weights) > 1000
    assert 0 < model.large_threshold < 0.5  # a coin-flip already goes large


@pytest.mark.parametrize(
    "data",
    [
        {"format": 99},
        {"format": 1, "classes": ["a", "b"]},
        {"format": 1, "classes": ["small", "medium", "large"], "weights": {"w:x": [1]}},
    ],
)
def test_unreadable_weights_are_named_not_guessed(data: object, tmp_path: Path) -> None:
    with pytest.raises(WeightsUnreadable):
        parse(data)
    path = tmp_path / "weights.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(WeightsUnreadable, match=r"weights\.json"):
        load(path)


def test_the_quality_bias_moves_the_large_boundary_both_ways() -> None:
    assert large_threshold(0.2, 0.0) == 0.2
    assert large_threshold(0.2, 1.0) == 0.0
    assert large_threshold(0.2, -1.0) == 1.0
    assert large_threshold(0.2, 0.5) < 0.2 < large_threshold(0.2, -0.5)
    with pytest.raises(ValueError, match="ROUTER_QUALITY_BIAS"):
        large_threshold(0.2, 1.5)


def test_full_bias_sends_everything_large_and_none_sends_only_pasted_failures() -> None:
    assert decide("hi", quality_bias=1.0).tier == "large"
    assert decide(HARD, quality_bias=-1.0).tier != "large"
    traceback = 'Traceback (most recent call last):\n  File "x.py", line 3\nKeyError: 1'
    assert decide(traceback, quality_bias=-1.0).tier == "large"


def test_an_explain_and_advise_question_goes_large_with_its_probability_in_the_reason() -> None:
    choice = decide(HARD)

    assert choice.tier == "large"
    assert choice.reason.startswith("large: P(large) ")
    assert 0.0 <= choice.score <= 1.0
    assert choice.signals and all(push > 0 for _, push in choice.signals)


def test_the_setting_is_validated_with_its_name() -> None:
    with pytest.raises(ValueError, match="router_quality_bias"):
        Settings(router_quality_bias=2, _env_file=None)
