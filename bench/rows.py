"""One row of the results table, and how a plug-in module's `measure()` result becomes rows.

Every benchmark returns `Row`s. A module that is not part of this suite plugs in by exposing
`measure() -> dict[str, float]` (or `-> list[Row]` when it wants targets and pass/fail). Dict keys
follow one convention, so they need no registration:

- `p50_<unit>` and `p99_<unit>` (optionally after a prefix: `warm_p50_ms`) make one latency row;
- any other key is a single value; its unit is read from the suffix (`_us`, `_ms`, `_s`, `_pct`,
  `_bytes`, `_per_s`), and a key without a known suffix is a plain number (a count, a ratio).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

UNITS = {"us": "µs", "ms": "ms", "s": "s", "pct": "%", "bytes": "bytes", "per_s": "/s"}
_PERCENTILE = re.compile(r"^(?:(?P<prefix>.+)_)?(?P<stat>p50|p99)_(?P<unit>us|ms|s)$")
_SUFFIX = re.compile(r"^(?P<name>.+?)_(?P<unit>per_s|us|ms|s|pct|bytes)$")


@dataclass(frozen=True)
class Row:
    """A measured metric: a p50/p99 pair or a single value, with its target when it has one.

    `passed` is None for informational rows (no target); the table shows them without a verdict.
    """

    metric: str
    unit: str = ""
    p50: float | None = None
    p99: float | None = None
    value: float | None = None
    target: str = ""
    passed: bool | None = None

    @property
    def result(self) -> str:
        return "" if self.passed is None else ("pass" if self.passed else "FAIL")


def rows_from_measure(title: str, measured: Mapping[str, float]) -> list[Row]:
    """Rows for a plug-in's `measure()` dict, named `title` (see the module docstring)."""
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    rows: list[Row] = []
    for key, number in measured.items():
        if match := _PERCENTILE.match(key):
            prefix = match["prefix"] or ""
            pairs.setdefault((prefix, match["unit"]), {})[match["stat"]] = float(number)
            continue
        suffix = _SUFFIX.match(key)
        name, unit = (suffix["name"], UNITS[suffix["unit"]]) if suffix else (key, "")
        rows.append(Row(f"{title} {_words(name)}", unit, value=float(number)))
    latency = [
        Row(
            f"{title} {_words(prefix)}".rstrip(),
            UNITS[unit],
            p50=stats.get("p50"),
            p99=stats.get("p99"),
        )
        for (prefix, unit), stats in pairs.items()
    ]
    return latency + rows


def _words(key: str) -> str:
    return key.replace("_", " ")
