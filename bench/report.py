"""The results as one Markdown table (for people and the README) and as JSON (for machines)."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.rows import Row

COLUMNS = ("Metric", "p50", "p99", "Value", "Unit", "Target", "Result")


def number(value: float | None) -> str:
    """Counts as integers, else three significant-ish digits; no thousands separators."""
    if value is None:
        return ""
    size = abs(value)
    if size >= 100 or float(value).is_integer():
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_table(rows: Sequence[Row]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        cells = (
            row.metric,
            number(row.p50),
            number(row.p99),
            number(row.value),
            row.unit,
            row.target,
            row.result,
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    return f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def write_results(
    directory: Path, rows: Sequence[Row], notes: Sequence[str], *, quick: bool
) -> tuple[Path, Path]:
    """Write `latest.md` (caption, table, notes) and `latest.json`; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).replace(microsecond=0)
    command = "python -m bench --quick" if quick else "python -m bench"
    caption = f"`{command}` on {when:%Y-%m-%d}, {machine()}."
    footnotes = "\n".join(f"- {note}" for note in notes)
    markdown = directory / "latest.md"
    markdown.write_text(
        f"{caption}\n\n{markdown_table(rows)}\n" + (f"\n{footnotes}\n" if notes else ""),
        encoding="utf-8",
    )
    data = {
        "generated_at": when.isoformat(),
        "machine": machine(),
        "quick": quick,
        "rows": [asdict(row) | {"result": row.result} for row in rows],
        "notes": list(notes),
    }
    machine_readable = directory / "latest.json"
    machine_readable.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return markdown, machine_readable
