"""Router decision time and held-out quality: `python -m bench.routing` (`--only routing`).

Times `decide` on every message of the labeled corpus and the hand-written set, with their
conversation and KB context, over several rounds after a warm-up round (the router must stay under
1 ms p99). The held-out rows (large recall, cost against always Nova Pro, each over personas the
model never saw) are read from `results/routing_heldout.json`, which `python -m bench.routing_train`
writes when it trains the shipped weights: retraining takes a minute, timing a second.
"""

from __future__ import annotations

import json
import statistics
import time

from bench.routing_quality import LABELED_SET
from bench.routing_train import CORPUS, RESULTS
from community_bot.routing.requests import RouteRequest, read_requests

ROUNDS = 5


def _requests() -> list[RouteRequest]:
    lines = [*CORPUS.read_text(encoding="utf-8").splitlines()]
    lines += LABELED_SET.read_text(encoding="utf-8").splitlines()
    return [item for item in read_requests(lines) if isinstance(item, RouteRequest)]


def measure() -> dict[str, float]:
    """Decision p50/p99/max in µs, decisions timed, and the held-out large recall and cost."""
    requests = _requests()
    for request in requests:  # warm-up: the weights file, compiled patterns, caches
        request.decide()
    samples: list[float] = []
    cpu: list[
        float
    ] = []  # this thread's CPU time: what a busy machine's scheduler adds is not in it
    for _ in range(ROUNDS):
        for request in requests:
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            request.decide()
            cpu.append((time.thread_time_ns() - started_cpu) / 1000)
            samples.append((time.perf_counter_ns() - started) / 1000)
    percentiles = statistics.quantiles(samples, n=100, method="inclusive")
    cpu_percentiles = statistics.quantiles(cpu, n=100, method="inclusive")
    result = {
        "p50_us": percentiles[49],
        "p99_us": percentiles[98],
        "cpu_p50_us": cpu_percentiles[49],
        "cpu_p99_us": cpu_percentiles[98],
        "max_us": max(samples),
        "decisions": float(len(samples)),
    }
    if RESULTS.exists():
        learned = json.loads(RESULTS.read_text(encoding="utf-8"))["learned"]
        result["held-out large recall_pct"] = 100 * learned["large_recall"]["value"]
        result["held-out large vs not accuracy_pct"] = (
            100 * learned["large_vs_not_accuracy"]["value"]
        )
        result["held-out cost vs always Nova Pro_pct"] = (
            100 * learned["cost_vs_always_large"]["value"]
        )
    return result


def main() -> None:
    result = measure()
    print(f"Routing decision time ({int(result['decisions'])} decisions, {ROUNDS} rounds):\n")
    print("| p50 | p99 | max |")
    print("|---:|---:|---:|")
    print(f"| {result['p50_us']:.1f} µs | {result['p99_us']:.1f} µs | {result['max_us']:.1f} µs |")
    print(f"\nCPU time: p50 {result['cpu_p50_us']:.1f} µs, p99 {result['cpu_p99_us']:.1f} µs")
    for key, value in result.items():
        if key.endswith("_pct"):
            print(f"\n{key.removesuffix('_pct')}: {value:.1f}%")


if __name__ == "__main__":
    main()
