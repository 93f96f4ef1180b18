"""Percentiles of timing samples, computed the same way in every benchmark."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: int) -> float:
    """The q-th percentile (1-99), interpolated between samples; the sample itself if only one."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def p50_p99(samples: Sequence[float]) -> tuple[float, float]:
    return percentile(samples, 50), percentile(samples, 99)
