"""How long the fence scanner takes on a long streamed answer (it runs on every edit).

Moved here from the unit suite, where a wall-clock bound failed CI on a loaded machine.
"""

from __future__ import annotations

import time

from bench.rows import Row
from community_bot.text.fences import is_inside_fence

LONG_ANSWER = ("Some prose line with `code`.\n```python\nx = 1\n```\n" * 20_000) + "```js\n"
TARGET_MS = 1000.0


def measure(*, quick: bool = False) -> list[Row]:
    """p50/p99 of one scan of a ~1 MB answer with 20,000 code blocks and one left open."""
    runs = 3 if quick else 10
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        assert is_inside_fence(LONG_ANSWER) == "```js"
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50, p99 = times[len(times) // 2], times[-1]
    return [
        Row(
            "fence scan, 1 MB answer",
            "ms",
            p50=p50,
            p99=p99,
            target=f"p99 < {TARGET_MS:.0f} ms",
            passed=p99 < TARGET_MS,
        )
    ]
