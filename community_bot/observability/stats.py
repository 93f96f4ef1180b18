"""Per-model and per-tier summaries of recorded turns: the numbers for comparing models.

Pure functions of ledger rows, so `community-bot stats`, tests and notebooks agree. Definitions:

- error rate: turns whose answer was degraded by a model failure (cut off mid-answer, or quoted
  from the docs because every model failed), over all turns of the group;
- fallback rate: turns another model answered after the first one failed;
- failed attempts: per model, attempts *of that model* that failed (retries included) wherever
  the turn ended up, its reliability number; per tier, failed attempts in the tier's turns;
- latency: the model's part of the turn, fallbacks included; p50/p95 by nearest rank;
- KB hit rate: searches that found relevant passages, over turns that searched.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from community_bot.observability.metrics import failure_kind


@dataclass(frozen=True)
class GroupStats:
    """The numbers of one model or one tier."""

    name: str
    turns: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    error_rate: float
    fallback_rate: float
    failed_attempts: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    ttft_p50_ms: float | None
    ttft_p95_ms: float | None
    kb_hit_rate: float | None
    thumbs_up: int
    thumbs_down: int


@dataclass(frozen=True)
class Stats:
    """Everything `community-bot stats` shows."""

    days: float
    total: GroupStats
    by_model: list[GroupStats]
    by_tier: list[GroupStats]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summarise(
    rows: Sequence[dict[str, Any]], votes: Iterable[tuple[str, int]], days: float
) -> Stats:
    """Stats of ledger turn rows (see `Ledger.rows_since`) and their (run_id, score) votes."""
    scores: dict[str, list[int]] = defaultdict(list)
    for run_id, score in votes:
        scores[run_id].append(score)
    turns = [row | {"attempts": _attempts(row["attempts"])} for row in rows]
    failed_by_model: dict[str, int] = defaultdict(int)
    for turn in turns:
        for attempt in turn["attempts"]:
            failed_by_model[failure_kind(attempt)[0]] += 1

    def grouped(
        key: Callable[[dict[str, Any]], str],
        failed: Callable[[str, list[dict[str, Any]]], int],
    ) -> list[GroupStats]:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for turn in turns:
            groups[key(turn)].append(turn)
        return [
            _group(name, members, scores, failed(name, members))
            for name, members in sorted(groups.items(), key=lambda item: -len(item[1]))
        ]

    def failed_in(_name: str, members: list[dict[str, Any]]) -> int:
        return sum(len(turn["attempts"]) for turn in members)

    by_model = grouped(lambda row: str(row["model"]), lambda name, _: failed_by_model.get(name, 0))
    # Models that only ever failed answered no turn, yet their failures are worth a row.
    answered = {group.name for group in by_model}
    by_model += [
        _group(model, [], scores, failed)
        for model, failed in sorted(failed_by_model.items())
        if model not in answered
    ]
    by_tier = grouped(lambda row: str(row["tier"] or "none"), failed_in)
    return Stats(days, _group("all", turns, scores, failed_in("all", turns)), by_model, by_tier)


def _group(
    name: str, rows: Sequence[dict[str, Any]], scores: dict[str, list[int]], failed: int
) -> GroupStats:
    turns = len(rows)
    latencies = [float(r["latency_ms"]) for r in rows if r["outcome"] != "retrieval_only"]
    ttfts = [float(r["ttft_ms"]) for r in rows if r["ttft_ms"] is not None]
    searched = [r["kb_hit"] for r in rows if r["kb_hit"] is not None]
    votes = [score for r in rows for score in scores.get(str(r["run_id"]), [])]
    degraded = sum(
        1
        for r in rows
        if r["outcome"] == "cut" or (r["outcome"] == "retrieval_only" and r["attempts"])
    )
    return GroupStats(
        name=name,
        turns=turns,
        input_tokens=sum(int(r["input_tokens"]) for r in rows),
        output_tokens=sum(int(r["output_tokens"]) for r in rows),
        cost_usd=round(sum(float(r["cost_usd"]) for r in rows), 6),
        error_rate=_share(degraded, turns),
        fallback_rate=_share(sum(r["outcome"] == "fallback" for r in rows), turns),
        failed_attempts=failed,
        latency_p50_ms=percentile(latencies, 0.50),
        latency_p95_ms=percentile(latencies, 0.95),
        ttft_p50_ms=percentile(ttfts, 0.50),
        ttft_p95_ms=percentile(ttfts, 0.95),
        kb_hit_rate=_share(sum(searched), len(searched)) if searched else None,
        thumbs_up=sum(score > 0 for score in votes),
        thumbs_down=sum(score < 0 for score in votes),
    )


def _attempts(stored: str) -> list[str]:
    # Most turns needed no retry; skipping the JSON decoder for them halves `stats` on big ledgers.
    return [] if stored == "[]" else list(json.loads(stored))


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def render_table(stats: Stats) -> str:
    """The stats as aligned plain-text tables, one by model and one by tier."""
    header = (
        "turns",
        "in tok",
        "out tok",
        "cost $",
        "errors",
        "fallback",
        "failed",
        "p50 ms",
        "p95 ms",
        "ttft p50",
        "ttft p95",
        "kb hit",
        "up",
        "down",
    )
    sections = [f"Turns in the last {stats.days:g} days: {stats.total.turns}"]
    for title, groups in (("model", stats.by_model), ("tier", stats.by_tier)):
        rows = [[g.name, *_cells(g)] for g in [*groups, stats.total]]
        table = [[title, *header], *rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines = [
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
            for row in table
        ]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def _cells(group: GroupStats) -> list[str]:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    return [
        str(group.turns),
        str(group.input_tokens),
        str(group.output_tokens),
        f"{group.cost_usd:.6f}",
        pct(group.error_rate if group.turns else None),
        pct(group.fallback_rate if group.turns else None),
        str(group.failed_attempts),
        ms(group.latency_p50_ms),
        ms(group.latency_p95_ms),
        ms(group.ttft_p50_ms),
        ms(group.ttft_p95_ms),
        pct(group.kb_hit_rate),
        str(group.thumbs_up),
        str(group.thumbs_down),
    ]
