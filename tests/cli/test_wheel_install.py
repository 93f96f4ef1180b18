"""Installed from a wheel, away from any checkout, the bot still answers from its sample docs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# `uv run` names itself in $UV; the README's commands always run the tests through it.
UV = os.environ.get("UV") or shutil.which("uv")


@pytest.mark.skipif(UV is None, reason="uv builds the wheel, and neither $UV nor PATH has it")
def test_a_wheel_install_answers_from_the_bundled_sample_docs(tmp_path: Path) -> None:
    uv = UV
    assert uv is not None
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(dist)], cwd=ROOT, check=True)
    (wheel,) = dist.glob("*.whl")
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
    )
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "UV_CACHE_DIR"}}
    env |= {"DATA_DIR": str(tmp_path / "data"), "LOG_LEVEL": "WARNING"}
    answer = subprocess.run(
        [str(venv / "bin" / "community-bot"), "ask", "How do I install community-bot on my Mac?"],
        cwd=elsewhere,  # no knowledge/ or prompts/ folder here: everything comes from the wheel
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr
    assert "Sources:" in answer.stdout
    assert "sample_knowledge" in answer.stdout  # cited from the copy inside the package
