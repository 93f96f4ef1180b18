"""How long one routing decision takes: `python -m bench.routing`.

Times `decide` on every message of the labeled set, with its conversation and KB context, over
several rounds after a warm-up round; the router must stay well under 1 ms a message.
"""

from __future__ import annotations

import statistics
import time

from bench.routing_quality import LABELED_SET
from community_bot.routing.requests import RouteRequest, read_requests

ROUNDS = 20


def _requests() -> list[RouteRequest]:
    lines = LABELED_SET.read_text(encoding="utf-8").splitlines()
    return [item for item in read_requests(lines) if isinstance(item, RouteRequest)]


def measure() -> dict[str, float]:
    """p50, p99 and max decision time in microseconds, and the number of decisions timed."""
    requests = _requests()
    for request in requests:  # warm-up: compiled patterns, caches, branch predictors
        request.decide()
    samples: list[float] = []
    for _ in range(ROUNDS):
        for request in requests:
            started = time.perf_counter_ns()
            request.decide()
            samples.append((time.perf_counter_ns() - started) / 1000)
    percentiles = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_us": percentiles[49],
        "p99_us": percentiles[98],
        "max_us": max(samples),
        "decisions": float(len(samples)),
    }


def main() -> None:
    result = measure()
    print(f"Routing decision time ({int(result['decisions'])} decisions, {ROUNDS} rounds):\n")
    print("| p50 | p99 | max |")
    print("|---:|---:|---:|")
    print(f"| {result['p50_us']:.1f} µs | {result['p99_us']:.1f} µs | {result['max_us']:.1f} µs |")


if __name__ == "__main__":
    main()
