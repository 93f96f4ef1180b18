"""The README Quick start works as written: the first command answers, CI runs the second."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", quick_start, re.S)
    assert block is not None, "Quick start has no code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def clean_env(tmp_path: Path) -> dict[str, str]:
    """A newcomer's shell: the caller's environment minus anything that would configure a model
    or Discord, and minus the project's virtual environment (`uv run pytest` puts it first on
    PATH, where `python3` has no pip)."""
    keep = {
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TMPDIR",
        "UV_CACHE_DIR",
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "UV_INDEX_URL",
        "SSL_CERT_FILE",
        "PIP_CONFIG_FILE",
    }
    env = {k: v for k, v in os.environ.items() if k in keep}
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["DATA_DIR"] = str(tmp_path / "data")
    env["LOG_LEVEL"] = "WARNING"
    return env


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "community-bot ask" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()


def test_first_quick_start_command_answers_from_the_sample_docs(tmp_path: Path) -> None:
    result = subprocess.run(
        commands := quick_start_commands()[0],
        shell=True,
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{commands}\n{result.stderr[-3000:]}"
    assert "No language model is configured" in result.stdout
    assert "Homebrew" in result.stdout
    assert "Sources: [1]" in result.stdout


def test_ask_json_reports_route_and_accounting(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "runtime.cli",
            "ask",
            "--json",
            "--channel",
            "x",
            "How do I configure the Discord token?",
        ],
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"model": "retrieval-only"' in result.stdout
    assert '"reply_chunks"' not in result.stdout  # the reply's own field names, not the state's
    assert '"chunks"' in result.stdout


def test_bad_configuration_fails_at_start_naming_the_variable(tmp_path: Path) -> None:
    env = clean_env(tmp_path) | {"NOVA_TEMPERATURE": "hot"}
    result = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "ask", "hello"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "NOVA_TEMPERATURE: Input should be a valid number" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["chat", "ask", "route", "kb", "run"])
def test_every_command_explains_its_options_and_variables(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "environment variables" in text or "subcommands" in text.lower() or "{" in text


def chat(tmp_path: Path, script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "chat", "--channel", "demo"],
        input=script,
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def human_messages(tmp_path: Path, thread: str) -> list[str]:
    from community_bot.settings import Settings
    from runtime.app import open_app

    async def read() -> list[str]:
        settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
        async with open_app(settings) as app:
            history = await app.conversation.history(thread)
        return [str(m.content) for m in history if m.type == "human"]

    return asyncio.run(read())


def test_terminal_chat_streams_answers_remembers_and_resets(tmp_path: Path) -> None:
    out = chat(tmp_path, "How do I install community-bot on my Mac?\nAnd on Windows?\n/quit\n")
    assert "thread 'demo'" in out
    assert out.count("bot> ") == 2
    assert "Homebrew" in out
    questions = ["How do I install community-bot on my Mac?", "And on Windows?"]
    assert human_messages(tmp_path, "demo") == questions  # a later process continues the thread

    assert "(memory of this thread cleared)" in chat(tmp_path, "/reset\n")
    assert human_messages(tmp_path, "demo") == []
