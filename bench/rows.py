"""One row of the results table, and how a plug-in module's `measure()` result becomes rows.

Every benchmark returns `Row`s. A module that is not part of this suite plugs in by exposing
`measure() -> dict[str, float]` (or `-> list[Row]` when it wants targets and pass/fail). Dict keys
follow one convention, so they need no registration:

- `p50_<unit>` and `p99_<unit>` (optionally after a prefix: `warm_p50_ms`) make one latency row;
- any other key is a single value; its unit is read from the suffix (`_us`, `_ms`, `_s`,
  `_seconds`, `_pct`, `_bytes`, `_mb`, `_per_s`); a key without one is a plain number (a count,
  a ratio).

Rows are named after the benchmark's title: `title` for a latency row without prefix,
`title (prefix)` with one, `title: key words` for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

UNITS = {
    "us": "µs",
    "ms": "ms",
    "s": "s",
    "seconds": "s",
    "pct": "%",
    "bytes": "bytes",
    "mb": "MB",
    "per_s": "/s",
}
_PERCENTILE = re.compile(r"^(?:(?P<prefix>.+)_)?(?P<stat>p50|p99)_(?P<unit>us|ms|s)$")
_SUFFIX = re.compile(rf"^(?P<name>.+?)_(?P<unit>{'|'.join(sorted(UNITS, key=len, reverse=True))})$")


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
    values: list[tuple[str, str, str, float]] = []  # key, name without unit, unit, number
    for key, number in measured.items():
        if match := _PERCENTILE.match(key):
            prefix = match["prefix"] or ""
            pairs.setdefault((prefix, match["unit"]), {})[match["stat"]] = float(number)
        elif suffix := _SUFFIX.match(key):
            values.append((key, suffix["name"], UNITS[suffix["unit"]], float(number)))
        else:
            values.append((key, key, "", float(number)))
    names = [name for _, name, _, _ in values]
    rows = [  # two keys that differ only by unit (index_seconds, index_mb) keep their full keys
        Row(f"{title}: {_words(key if names.count(name) > 1 else name)}", unit, value=number)
        for key, name, unit, number in values
    ]
    latency = [
        Row(
            f"{title} ({_words(prefix)})" if prefix else title,
            UNITS[unit],
            p50=stats.get("p50"),
            p99=stats.get("p99"),
        )
        for (prefix, unit), stats in pairs.items()
    ]
    return latency + rows


def _words(key: str) -> str:
    return key.replace("_", " ")
