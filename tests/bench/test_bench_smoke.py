"""`python -m bench --quick` runs every benchmark and reports the rows the README relies on.

A smoke test of the harness, not a measurement: nothing here asserts how fast anything is. Each
benchmark runs alone (`--only NAME`), so one that fails or hangs fails only its own tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.rows import Row, rows_from_measure
from bench.suite import NAMES, Benchmark, run_suite

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "graph": [
        "graph overhead per turn",
        "graph overhead to first token",
        "bare one-node graph turn",
        "graph turn ÷ bare graph turn (p50)",
        "graph CPU per turn",
        "graph overhead share of a 1 s Nova Lite turn",
    ],
    "yardstick": [
        "yardstick (LangGraph docs' chatbot) CPU per turn, turn 1",
        "product ÷ yardstick CPU per turn, turn 1",
        "… the same with the default search, words and bundled embeddings (EMBEDDINGS=local)",
        "product ÷ yardstick CPU per turn, turn 60",
        "product CPU per turn, turns 41–60 ÷ turns 1–20 (median of paired turns",
        "product CPU per turn, turns 11–60 ÷ the same thread's turns 1–20",
        "`community-bot ask` start-up CPU",
        "`ask` start-up ÷ yardstick start-up (p50)",
    ],
    "concurrency": [
        "parallel efficiency, 20 channels × 2 turns",
        "efficiency ceiling set by event-loop CPU",
        "event-loop CPU per turn under load",
        "turn latency under load (model 100 ms)",
        "bare one-node graph, same load: parallel efficiency (20 × 2)",
    ],
    "scale-out": [
        "parallel efficiency, 8 channels × 2 turns, 1 process",
        "processes (and cores) for 90%, by the model",
    ],
    "memory": [
        "prompt tokens at turn 10",
        "prompt tokens at turn 80",
        "checkpoint loaded and saved per turn, at turn 80",
        "of which in the checkpoint",
        "checkpoints kept for the thread",
        "checkpoint database on disk after 80 turns",
    ],
    "discord": [
        "Discord: model's first token → first message",
        "Discord: edits per second per streamed message",
        "Discord: shortest gap between two edits of a message",
    ],
    "faults": [
        "faults: question → first visible text, Bedrock hung",
        "faults: turns lost,",
        "faults: turns refused (busy),",
    ],
    "routing": ["router decision time"],
    "retrieval": ["local retrieval (query, words and vectors)", "local retrieval: chunks"],
}
NUMBER_COLUMNS = (1, 2, 3)  # p50, p99, value
# A hang guard, not a bound on speed: each quick run takes seconds on a quiet machine (tens under
# load); one that hangs fails its own benchmark's tests, not the others'.
TIMEOUT_S = 300
# Quick runs at once: most are one event loop on one core, so two keep a 2-core runner busy.
AT_ONCE = 2


def table_rows(markdown: str) -> dict[str, list[str]]:
    """Metric name -> its cells, for every row of the one Markdown table printed."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    assert lines[0].startswith("| Metric |") and set(lines[1]) <= set("|-: ")
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    return {cells[0]: cells for cells in rows}


@dataclass(frozen=True)
class QuickRun:
    """One `python -m bench --quick --only NAME --out OUT`: what it printed and wrote."""

    returncode: int
    stdout: str
    stderr: str
    out: Path

    def rows(self) -> dict[str, list[str]]:
        assert self.returncode == 0, self.stderr[-4000:]
        return table_rows(self.stdout)


def quick_run_of(name: str, out: Path) -> QuickRun:
    command = [sys.executable, "-m", "bench", "--quick", "--only", name, "--out", str(out)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode() if isinstance(exc.stderr, bytes) else ""
        return QuickRun(-1, "", f"{stderr}\nhung: no result in {TIMEOUT_S} s", out)
    return QuickRun(done.returncode, done.stdout, done.stderr, out)


@pytest.fixture(scope="module")
def quick_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], QuickRun]]:
    """Each benchmark's quick run, in a process of its own, AT_ONCE at a time: those the selected
    tests of this file read start at once, any other on first use."""
    selected: set[object] = set()
    for item in request.session.items:
        if isinstance(item, pytest.Function) and item.module is request.module:
            if item.originalname == test_only_runs_the_named_benchmark.__name__:
                selected.add("routing")
            elif hasattr(item, "callspec"):
                selected.add(item.callspec.params["benchmark"])
    with ThreadPoolExecutor(AT_ONCE) as pool:
        runs: dict[str, Future[QuickRun]] = {}

        def start(name: str) -> Future[QuickRun]:
            if name not in runs:
                out = tmp_path_factory.mktemp(f"bench-{name}")
                runs[name] = pool.submit(quick_run_of, name, out)
            return runs[name]

        for name in NAMES:
            if name in selected:
                start(name)
        yield lambda name: start(name).result()


@pytest.mark.parametrize("benchmark", NAMES)
def test_quick_run_reports_each_benchmarks_rows_with_numbers(
    quick_run: Callable[[str], QuickRun], benchmark: str
) -> None:
    rows = quick_run(benchmark).rows()
    assert rows, f"{benchmark} printed no rows"
    for expected in EXPECTED.get(benchmark, []):
        found = [name for name in rows if name.startswith(expected)]
        assert found, f"no row {expected!r} in {sorted(rows)}"
        numbers = [rows[found[0]][column] for column in NUMBER_COLUMNS if rows[found[0]][column]]
        assert numbers, f"row {found[0]!r} has no number"
        for number in numbers:
            float(number)  # raises if a cell is not a plain number


@pytest.mark.parametrize("benchmark", NAMES)
def test_rows_with_a_target_say_pass_or_fail_and_the_rest_say_nothing(
    quick_run: Callable[[str], QuickRun], benchmark: str
) -> None:
    for cells in quick_run(benchmark).rows().values():
        target, result = cells[5], cells[6]
        assert (result in {"pass", "FAIL"}) == bool(target), cells


@pytest.mark.parametrize("benchmark", NAMES)
def test_the_markdown_and_json_files_hold_the_printed_table(
    quick_run: Callable[[str], QuickRun], benchmark: str
) -> None:
    run = quick_run(benchmark)
    rows = run.rows()
    data = json.loads((run.out / "latest.json").read_text(encoding="utf-8"))
    assert data["quick"] is True
    assert [row["metric"] for row in data["rows"]] == list(rows)
    assert table_rows((run.out / "latest.md").read_text(encoding="utf-8")) == rows


def test_only_runs_the_named_benchmark(quick_run: Callable[[str], QuickRun]) -> None:
    rows = quick_run("routing").rows()
    assert rows and all(name.startswith("router decision time") for name in rows)


def test_a_plug_in_dict_becomes_rows_by_key_convention() -> None:
    measured: Mapping[str, float] = {
        "query_p50_ms": 1.5,
        "query_p99_ms": 4.0,
        "index_seconds": 2.0,
        "index_mb": 20.0,
        "hit_rate": 0.8,
    }
    assert rows_from_measure("retrieval", measured) == [
        Row("retrieval (query)", "ms", p50=1.5, p99=4.0),
        Row("retrieval: index seconds", "s", value=2.0),
        Row("retrieval: index mb", "MB", value=20.0),
        Row("retrieval: hit rate", "", value=0.8),
    ]


def test_a_plug_in_not_on_the_branch_is_skipped_with_a_note() -> None:
    ghost = Benchmark("ghost", "bench.not_written_yet", "ghost", plug_in=True)
    result = run_suite(["ghost"], quick=True, benchmarks=[ghost])
    assert result.rows == []
    assert result.notes == ["`bench.not_written_yet` is not on this branch yet: skipped."]
