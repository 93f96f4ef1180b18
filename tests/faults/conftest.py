"""The fault suite's tools: the real `community-bot` command in its own process, with an
environment that holds nothing of the developer's (no ~/.aws, no .env values, no models) unless
a test adds it; the emulators are the suite's (`tests/conftest.py`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEEP = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "UV_CACHE_DIR", "SSL_CERT_FILE"}
CLI_TIMEOUT_S = 240  # a hung test fails instead of hanging the suite; no assertion on time


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment: DATA_DIR in tmp_path, no AWS configuration, logs at WARNING."""
    env = {k: v for k, v in os.environ.items() if k in KEEP}
    env |= {
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "runtime.cli", *args]


def run_cli(
    args: Sequence[str], env: dict[str, str], *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `community-bot ARGS` to its end in a fresh process."""
    return subprocess.run(
        cli_command(*args),
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )


def ask_json(question: str, env: dict[str, str], channel: str = "faults") -> dict[str, Any]:
    """`community-bot ask --json`, which must succeed; the reply as a dict."""
    done = run_cli(["ask", "--json", "--channel", channel, question], env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply


EnvFactory = Callable[..., dict[str, str]]


@pytest.fixture
def cli_env(tmp_path: Path) -> EnvFactory:
    """`cli_env(**VARIABLES)`: the clean environment plus these variables."""

    def make(**extra: str) -> dict[str, str]:
        return base_env(tmp_path, **extra)

    return make
