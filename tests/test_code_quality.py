"""The project's own quality gates run with the tests, so CI enforces them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ruff_finds_no_lint_errors() -> None:
    result = run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_code_is_ruff_formatted() -> None:
    result = run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_strict_finds_no_type_errors() -> None:
    result = run("mypy", "--no-error-summary", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout[-4000:]
