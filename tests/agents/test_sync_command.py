"""`community-bot kb sync`: once or on schedule, with the local index injected as the sink."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from community_bot.kb.agents.cli import add_sync_command
from community_bot.kb.sources import DocumentSink
from community_bot.settings import Settings
from tests.agents.conftest import MakeSettings, MemorySink, WriteConfig, folder_agent

ROOT = Path(__file__).resolve().parents[2]


class SinkOpener:
    """Opens the given sink as the lead's local index would be opened, and records it."""

    def __init__(self, sink: MemorySink) -> None:
        self.sink = sink
        self.events: list[str] = []

    @contextmanager
    def __call__(self, settings: Settings) -> Iterator[DocumentSink]:
        self.events.append("open")
        yield self.sink
        self.events.append("close")


def kb_parser(opener: SinkOpener) -> argparse.ArgumentParser:
    """The `kb` command as the knowledge package builds it, reduced to `sync`."""
    parser = argparse.ArgumentParser(prog="community-bot")
    commands = parser.add_subparsers(dest="command", required=True)
    kb = commands.add_parser("kb")
    add_sync_command(kb.add_subparsers(dest="kb_command", required=True), opener)
    return parser


def run(opener: SinkOpener, settings: Settings, *argv: str) -> int:
    args = kb_parser(opener).parse_args(["kb", "sync", *argv])
    result: int = args.handler(args, settings)
    return result


@pytest.fixture
def two_agents(tmp_path: Path, write_config: WriteConfig) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n")
    write_config(
        folder_agent("docs", docs),
        {"id": "broken", "kind": "folder", "config": {"path": str(tmp_path / "missing")}},
    )


def test_once_prints_a_line_per_agent_and_fails_when_one_failed(
    two_agents: None, make_settings: MakeSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    opener = SinkOpener(MemorySink())
    assert run(opener, make_settings(), "--once") == 1
    docs, broken = capsys.readouterr().out.splitlines()
    assert docs.startswith("docs (folder): 1 documents, index +1 ~0 -0 (0 unchanged) in ")
    assert broken.startswith("broken (folder): FAILED after ")
    assert opener.events == ["open", "close"]
    assert opener.sink.ids("agent:docs") == ["a.md"]


def test_once_for_one_agent_succeeds_and_can_print_json(
    two_agents: None, make_settings: MakeSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(SinkOpener(MemorySink()), make_settings(), "--once", "--agent", "docs", "--json") == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert [a["agent_id"] for a in report["agents"]] == ["docs"]
    assert report["agents"][0]["index"]["added"] == 1
    assert report["ingestion"] is None


def test_without_the_local_index_the_sink_is_never_opened(
    two_agents: None, make_settings: MakeSettings
) -> None:
    opener = SinkOpener(MemorySink())
    run(opener, make_settings(source_agents_local_index=False), "--once", "--agent", "docs")
    assert opener.events == []


def test_help_explains_the_options_and_the_variables() -> None:
    commands = argparse.ArgumentParser(prog="community-bot kb").add_subparsers()
    text = add_sync_command(commands, SinkOpener(MemorySink())).format_help()
    for expected in (
        "--agent ID",
        "--once",
        "until Ctrl-C",
        "SOURCE_AGENTS_CONFIG",
        "SOURCE_AGENTS_S3_BUCKET",
        "SOURCE_AGENTS_DATA_SOURCE_ID",
        "SOURCE_AGENTS_INTERVAL",
        "KNOWLEDGE_BASE_ID",
    ):
        assert expected in text


CHILD = textwrap.dedent(
    """
    import sys
    from tests.agents.test_sync_command import SinkOpener, kb_parser
    from tests.agents.memory_sink import MemorySink
    from community_bot.settings import load_settings

    args = kb_parser(SinkOpener(MemorySink())).parse_args(["kb", "sync"])
    try:
        sys.exit(args.handler(args, load_settings()))
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


async def test_without_once_it_runs_now_then_on_schedule_until_ctrl_c(
    two_agents: None, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SOURCE_AGENTS_CONFIG": str(tmp_path / "agents.yaml"),
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    lines = [(await asyncio.wait_for(child.stdout.readline(), 30)).decode() for _ in range(3)]
    assert lines[0] == "running 2 source agent(s); Ctrl-C stops\n"
    assert lines[1].startswith("docs (folder): 1 documents")
    assert lines[2].startswith("broken (folder): FAILED")
    child.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(child.wait(), 30) == 130
    assert b"Traceback" not in await child.stderr.read()
