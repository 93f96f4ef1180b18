"""The benchmarks `python -m bench` runs, in order, and how each one's result becomes rows.

Every benchmark is a module with `measure()`. This suite's own modules take `quick` and return
`Row`s (with targets); plug-in modules written elsewhere may return a `dict[str, float]` instead
(see `bench.rows`). A plug-in's `measure` gets `quick=True` if it has a `quick` parameter, else
the entry's `quick_arguments` (e.g. a smaller size). A plug-in module that is not there yet is
skipped with a note, so the suite runs on any branch.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from bench.rows import Row, rows_from_measure


@dataclass(frozen=True)
class Benchmark:
    name: str  # what `--only` takes
    module: str
    title: str  # row name prefix for a plug-in's dict result
    plug_in: bool = False
    quick_arguments: Mapping[str, Any] = field(default_factory=dict)


BENCHMARKS = (
    Benchmark("graph", "bench.graph_overhead", "graph overhead"),
    Benchmark("yardstick", "bench.yardstick", "yardstick"),
    Benchmark("concurrency", "bench.concurrency", "concurrency"),
    Benchmark("scale-out", "bench.scale_out", "scale-out"),
    Benchmark("postgres", "bench.postgres", "PostgreSQL"),
    Benchmark("memory", "bench.memory_growth", "memory growth"),
    Benchmark("discord", "bench.discord_path", "Discord path"),
    Benchmark("text", "bench.text_scan", "fence scan"),
    Benchmark("faults", "bench.faults", "faults"),
    Benchmark("routing", "bench.routing", "router decision time", plug_in=True),
    Benchmark("second-chance", "bench.second_chance", "second chance", plug_in=True),
    Benchmark(
        "retrieval",
        "bench.retrieval",
        "local retrieval",
        plug_in=True,
        quick_arguments={"chunks": 2000},
    ),
)
NAMES = tuple(benchmark.name for benchmark in BENCHMARKS)


@dataclass
class SuiteResult:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_suite(
    names: Sequence[str],
    *,
    quick: bool,
    progress: Callable[[str], None] | None = None,
    benchmarks: Sequence[Benchmark] = BENCHMARKS,
) -> SuiteResult:
    """Run the named benchmarks in suite order; `progress(name)` is called before each."""
    result = SuiteResult()
    for benchmark in benchmarks:
        if benchmark.name not in names:
            continue
        module = _load(benchmark)
        if module is None:
            result.notes.append(f"`{benchmark.module}` is not on this branch yet: skipped.")
            continue
        if progress is not None:
            progress(benchmark.name)
        result.rows += rows_of(benchmark, module, quick=quick)
        if note := getattr(module, "NOTE", None):
            result.notes.append(str(note))
    return result


def rows_of(benchmark: Benchmark, module: ModuleType, *, quick: bool) -> list[Row]:
    measure = module.measure
    if "quick" in inspect.signature(measure).parameters:
        measured = measure(quick=quick)
    else:
        measured = measure(**benchmark.quick_arguments) if quick else measure()
    if isinstance(measured, Mapping):
        return rows_from_measure(getattr(module, "TITLE", benchmark.title), measured)
    return list(measured)


def _load(benchmark: Benchmark) -> ModuleType | None:
    try:
        return importlib.import_module(benchmark.module)
    except ModuleNotFoundError as exc:
        if benchmark.plug_in and exc.name == benchmark.module:
            return None
        raise
