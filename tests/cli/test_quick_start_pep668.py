"""The README's one line for Debian/Ubuntu's system Python (PEP 668) works as written.

The line is run as the README spells it, with HOME in a temporary folder (its `~/.uv-venv` lands
there) and, where this machine has one, with `python3` being an externally managed system Python,
the very case the line is for.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.cli.test_readme_commands import ROOT, clean_env

CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3")


def pep668_line() -> str:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in quick_start.splitlines() if "PEP 668" in line]
    assert len(lines) == 1, "Quick start has no single PEP 668 line"
    return lines[0]


def line_command() -> str:
    commands = re.findall(r"`([^`]+)`", pep668_line())
    runnable = [c for c in commands if c.startswith("python3 -m venv") and "community-bot" in c]
    assert runnable, "the PEP 668 line has no command that makes a venv and asks a question"
    return runnable[0]


def externally_managed_python() -> str | None:
    """A system python3 that refuses `pip install` (PEP 668), if this machine has one."""
    for candidate in CANDIDATES:
        if not os.access(candidate, os.X_OK):
            continue
        stdlib = subprocess.run(
            [candidate, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if stdlib and (Path(stdlib) / "EXTERNALLY-MANAGED").is_file():
            return candidate
    return None


def test_pep668_line_sits_right_under_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    after_block = readme.split("## Quick start", 1)[1].split("```", 2)[2]
    assert pep668_line() == after_block.strip().splitlines()[0]
    assert "externally-managed-environment" in pep668_line()


def test_pep668_line_answers_a_question_from_a_fresh_venv(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env["HOME"] = str(home)
    env.setdefault("UV_CACHE_DIR", os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache/uv")))
    system = externally_managed_python()
    if system is not None:
        shim = tmp_path / "bin"
        shim.mkdir()
        (shim / "python3").symlink_to(system)
        env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
        refused = subprocess.run(
            ["python3", "-m", "pip", "install", "-q", "uv"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode != 0
        assert "externally-managed-environment" in refused.stdout + refused.stderr
    result = subprocess.run(
        line_command(),
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (home / ".uv-venv" / "bin" / "uv").exists()
    assert "Sources: [1]" in result.stdout
