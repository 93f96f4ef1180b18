"""`community-bot stats` on a ledger of known turns: tables for people, JSON for scripts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from community_bot.ledger import Ledger
from runtime.cli import main

LITE, PRO = "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"
DAY = 86_400
THROTTLED = f"{PRO}: ThrottlingException (429): Too many requests"


def turn(run_id: str, model: str, tier: str | None, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": run_id,
        "at": time.time() - 3600,
        "thread_id": "discord:1",
        "author_id": "7",
        "tier": tier,
        "model": model,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "ttft_ms": None,
        "latency_ms": 0.0,
        "elapsed_ms": 0.0,
        "outcome": "ok",
        "kb_hit": 1,
        "attempts": [],
        "route_reason": "question",
    }
    return row | fields


KNOWN_TURNS = [
    turn("l1", LITE, "medium", input_tokens=1000, output_tokens=100, cost_usd=0.000084,
         ttft_ms=100.0, latency_ms=400.0),
    turn("l2", LITE, "medium", input_tokens=2000, output_tokens=200, cost_usd=0.000168,
         ttft_ms=300.0, latency_ms=1200.0, outcome="fallback", kb_hit=0,
         attempts=[THROTTLED] * 3),
    turn("l3", LITE, "medium", input_tokens=400, output_tokens=50, cost_usd=0.000036,
         ttft_ms=200.0, latency_ms=800.0),
    turn("p1", PRO, "large", input_tokens=5000, output_tokens=500, cost_usd=0.0056,
         ttft_ms=500.0, latency_ms=2000.0),
    turn("p2", PRO, "large", input_tokens=5000, output_tokens=500, cost_usd=0.0056,
         ttft_ms=700.0, latency_ms=3000.0),
    turn("r1", "retrieval-only", None, outcome="retrieval_only", kb_hit=0,
         attempts=[f"{LITE}: connection refused"]),
    turn("old", PRO, "large", at=time.time() - 10 * DAY, input_tokens=9999),
]  # fmt: skip
VOTES = [("l1", "a", 1), ("l1", "b", 1), ("l2", "a", -1), ("p1", "a", 1), ("old", "a", -1)]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configure: Any) -> Path:
    """DATA_DIR for `community-bot stats`, with logging restored after `main` set it up."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def filled(data_dir: Path) -> Iterator[Path]:
    ledger = Ledger(data_dir / "turns.sqlite")
    for row in KNOWN_TURNS:
        ledger.record_turn(row)
    for run_id, user, score in VOTES:
        ledger.record_feedback(run_id, "discord:1", user, score)
    ledger.close()
    yield data_dir


Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str) -> tuple[int, str]:
        code = main(["stats", *args])
        return code, capsys.readouterr().out

    return invoke


def test_json_compares_models_on_the_known_turns(filled: Path, run: Run) -> None:
    code, out = run("--days", "7", "--json")
    assert code == 0
    stats = json.loads(out)
    models = {group["name"]: group for group in stats["by_model"]}

    assert [g["name"] for g in stats["by_model"]] == [LITE, PRO, "retrieval-only"]
    assert models[LITE] == {
        "name": LITE,
        "turns": 3,
        "input_tokens": 3400,
        "output_tokens": 350,
        "cost_usd": 0.000288,
        "error_rate": 0.0,
        "fallback_rate": 0.3333,
        "failed_attempts": 1,
        "latency_p50_ms": 800.0,
        "latency_p95_ms": 1200.0,
        "ttft_p50_ms": 200.0,
        "ttft_p95_ms": 300.0,
        "kb_hit_rate": 0.6667,
        "thumbs_up": 2,
        "thumbs_down": 1,
    }
    assert models[PRO]["turns"] == 2
    assert models[PRO]["failed_attempts"] == 3  # its throttling, though Lite answered
    assert (models[PRO]["latency_p50_ms"], models[PRO]["latency_p95_ms"]) == (2000.0, 3000.0)
    assert (models[PRO]["thumbs_up"], models[PRO]["thumbs_down"]) == (1, 0)
    assert models["retrieval-only"]["error_rate"] == 1.0
    assert models["retrieval-only"]["latency_p50_ms"] is None
    tiers = {g["name"]: (g["turns"], g["failed_attempts"]) for g in stats["by_tier"]}
    assert tiers == {"medium": (3, 3), "large": (2, 0), "none": (1, 1)}
    assert stats["total"]["turns"] == 6  # the 10-day-old turn is outside --days 7
    assert stats["total"]["cost_usd"] == pytest.approx(0.000288 + 0.0112)


def test_days_widens_the_window(filled: Path, run: Run) -> None:
    _, out = run("--days", "30", "--json")
    stats = json.loads(out)
    assert stats["total"]["turns"] == 7
    assert stats["total"]["thumbs_down"] == 2


def test_table_shows_one_row_per_model_and_tier_with_totals(filled: Path, run: Run) -> None:
    code, out = run()
    assert code == 0
    assert out.startswith("Turns in the last 7 days: 6")
    lines = out.splitlines()
    header = next(line.split() for line in lines if line.startswith("model "))
    lite = next(line.split() for line in lines if line.startswith(LITE))
    # Two-word headings ("in tok", "p50 ms") split in two; count cells from the right instead.
    assert lite[0] == LITE and lite[1] == "3"
    assert lite[-3:] == ["67%", "2", "1"]  # KB hit rate, 👍, 👎
    assert "fallback" in header and "ttft" in header
    assert next(line for line in lines if line.startswith("medium ")).split()[1] == "3"
    assert sum(line.startswith("all ") for line in lines) == 2  # a total under each table


def test_an_empty_ledger_says_so_and_exits_zero(data_dir: Path, run: Run) -> None:
    code, out = run("--days", "3")
    assert code == 0
    assert out.strip() == f"No turns recorded in the last 3 days (ledger: {data_dir}/turns.sqlite)."
    assert not (data_dir / "turns.sqlite").exists()  # looking does not create it


def test_an_empty_ledger_is_still_valid_json(data_dir: Path, run: Run) -> None:
    code, out = run("--json")
    assert code == 0
    assert json.loads(out)["total"]["turns"] == 0


def test_days_must_be_positive(
    data_dir: Path, run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--days", "0")
    assert exited.value.code == 2
    assert "--days: must be more than 0" in capsys.readouterr().err
