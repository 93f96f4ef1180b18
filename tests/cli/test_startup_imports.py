"""One-shot commands load only what they use: the start-up of `ask` is mostly imports.

Each check runs a fresh interpreter, the way the console script starts, and reads which modules
it loaded (`python -X importtime`); nothing here times anything.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEVER_FOR_ASK = ("discord", "croniter", "yaml", "tqdm")  # numpy: the local embedding model


def imported_modules(args: list[str], cwd: Path, **env: str) -> set[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LANGSMITH", "LANGCHAIN", "AWS", "OLLAMA", "DISCORD"))
    }
    environment |= env | {"PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return set(re.findall(r"^import time:.*\|\s*(\S+)$", result.stderr, re.M))


def test_listing_the_commands_loads_neither_the_app_nor_its_libraries(tmp_path: Path) -> None:
    modules = imported_modules(["-m", "runtime.cli", "--help"], tmp_path)

    assert "runtime.config_cli" in modules  # the commands were listed
    for heavy in (*NEVER_FOR_ASK, "numpy", "langgraph", "runtime.app", "boto3"):
        assert heavy not in modules, heavy


def test_ask_answers_without_loading_discord_or_the_source_agents(tmp_path: Path) -> None:
    modules = imported_modules(
        ["-m", "runtime.cli", "ask", "How do I install it?"],
        tmp_path,
        DATA_DIR=str(tmp_path / "data"),
        BACKEND_MODE="retrieval",
    )

    assert {"runtime.app", "langgraph.store.sqlite.aio", "sqlite_vec"} <= modules
    for unused in NEVER_FOR_ASK:
        assert unused not in modules, unused


def test_the_transcript_store_works_without_numpy(tmp_path: Path) -> None:
    script = """
import asyncio, sys
from community_bot.sqlite_store import sqlite_store_class

async def main(path):
    async with sqlite_store_class().from_conn_string(path) as store:
        await store.setup()
        await store.aput(("transcript", "t"), "0", {"text": "kept"})
        item = await store.aget(("transcript", "t"), "0")
        print(item.value["text"], "numpy" in sys.modules)

asyncio.run(main(sys.argv[1]))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "store.sqlite")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["kept", "False"]
