"""How well the router matches the labeled set and what it saves: `python -m bench.routing_quality`.

Prints accuracy on the whole set and on each split (`tune` / `heldout` were v1's tuning split),
the goals' metrics with bootstrap intervals, the confusion matrix, per-category accuracy, the share
of large-tier messages sent lower, and the cost per 1,000 messages against always Nova Pro.
The learned router is trained on this set, so these are in-sample: the held-out-by-origin numbers
come from `python -m bench.routing_train`. `--misses tune` lists the misrouted messages of a split.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from community_bot.routing.evaluation import CostModel, Outcome, Scores, read_labeled, report

LABELED_SET = Path(__file__).parent / "data" / "routing_labeled.jsonl"


def load(path: Path = LABELED_SET) -> list[Outcome]:
    """The labeled set, routed; the shipped file must be entirely valid."""
    outcomes, bad = read_labeled(path.read_text(encoding="utf-8").splitlines())
    if bad:
        raise ValueError(f"{path}: line {bad[0].number}: {bad[0].problem}")
    return outcomes


def measure() -> dict[str, float]:
    """Accuracy (all, tune, held-out), large sent lower, and USD per 1,000 messages."""
    outcomes = load()
    everything = Scores(outcomes)
    costs = CostModel.defaults()
    split = {name: Scores([o for o in outcomes if o.split == name]) for name in ("tune", "heldout")}
    return {
        "accuracy": everything.accuracy,
        "accuracy_tune": split["tune"].accuracy,
        "accuracy_heldout": split["heldout"].accuracy,
        "large_sent_lower": everything.large_sent_lower_rate,
        "usd_per_1000": costs.per_thousand(everything.routed_counts()),
        "usd_per_1000_always_large": costs.per_thousand({"large": 1}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", metavar="SPLIT", help="List the misrouted messages of SPLIT.")
    args = parser.parse_args()
    outcomes = load()
    print(report(outcomes, CostModel.defaults(), f"Routing quality: {LABELED_SET.name}"))
    if args.misses:
        print(f"\nMisrouted in {args.misses}:\n")
        for o in outcomes:
            if o.split == args.misses and o.routed != o.expected:
                text = o.request.text.replace("\n", " ⏎ ")[:110]
                print(f"- {o.expected}→{o.routed} [{o.category}] {text!r}\n    {o.reason}")


if __name__ == "__main__":
    main()
