"""Running agents: isolation, selection, and where the documents go."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from community_bot.errors import ConfigError
from community_bot.kb.documents import Document
from community_bot.kb.sources import IndexReport
from tests.agents.conftest import MakeSettings, MemorySink, WriteConfig, folder_agent
from tests.kb_wiring import sync_once_from


def folder(tmp_path: Path, name: str, *files: str) -> Path:
    path = tmp_path / name
    path.mkdir()
    for file in files:
        (path / file).write_text(f"# {file}\n")
    return path


FAILING_SCRIPT = {
    "id": "broken",
    "kind": "script",
    "config": {"command": [sys.executable, "-c", "raise SystemExit(2)"]},
}


async def test_a_failing_agent_never_stops_the_others(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(
        folder_agent("first", folder(tmp_path, "a", "one.md")),
        FAILING_SCRIPT,
        folder_agent("last", folder(tmp_path, "b", "two.md")),
    )
    report = await sync_once_from(make_settings(), sink)
    assert [(a.agent_id, a.ok) for a in report.agents] == [
        ("first", True),
        ("broken", False),
        ("last", True),
    ]
    assert sink.ids("agent:first") == ["one.md"] and sink.ids("agent:last") == ["two.md"]
    assert not report.ok
    assert report.lines()[1].startswith("broken (script): FAILED after ")


class ExplodingSink(MemorySink):
    """A sink whose storage breaks for one source, as a full disk would."""

    def replace_documents(self, source_id: str, documents: Iterable[Document]) -> IndexReport:
        if source_id == "agent:first":
            raise OSError(28, "No space left on device")
        return super().replace_documents(source_id, documents)


async def test_a_sink_failure_is_reported_for_that_agent_only(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings
) -> None:
    write_config(
        folder_agent("first", folder(tmp_path, "a", "one.md")),
        folder_agent("last", folder(tmp_path, "b", "two.md")),
    )
    sink = ExplodingSink()
    first, last = (await sync_once_from(make_settings(), sink)).agents
    assert first.error == "local index: OSError: [Errno 28] No space left on device"
    assert last.ok and sink.ids("agent:last") == ["two.md"]


async def test_one_agent_can_be_run_by_id(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(
        folder_agent("first", folder(tmp_path, "a", "one.md")),
        folder_agent("last", folder(tmp_path, "b", "two.md")),
    )
    report = await sync_once_from(make_settings(), sink, "last")
    assert [a.agent_id for a in report.agents] == ["last"]
    assert list(sink.sources) == ["agent:last"]


async def test_an_unknown_agent_id_lists_the_known_ones(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    path = write_config(folder_agent("first", tmp_path), folder_agent("last", tmp_path))
    with pytest.raises(
        ConfigError, match=f"no enabled agent 'nope' in {path} \\(known: first, last\\)"
    ):
        await sync_once_from(make_settings(), sink, "nope")


async def test_the_local_index_can_be_left_out(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(folder_agent("first", folder(tmp_path, "a", "one.md")))
    (agent,) = (await sync_once_from(make_settings(source_agents_local_index=False), sink)).agents
    assert agent.ok and agent.documents == 1
    assert agent.index is None and sink.calls == []
    assert agent.summary().startswith("first (folder): 1 documents in ")
