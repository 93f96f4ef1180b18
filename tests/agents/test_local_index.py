"""`kb sync` into the real local index: the agents' documents become searchable, and the
folder sync at start-up leaves them alone."""

from __future__ import annotations

import argparse
from pathlib import Path

from community_bot.kb.agents.cli import register
from community_bot.kb.folders import sync_folders
from tests.agents.conftest import MakeSettings, WriteConfig, folder_agent
from tests.kb_wiring import local_index_from


def test_kb_sync_once_makes_the_agents_documents_searchable_locally(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings
) -> None:
    docs = tmp_path / "collected"
    docs.mkdir()
    (docs / "office-hours.md").write_text("# Office hours\n\nThursdays at 16:00 UTC on stage.\n")
    write_config(folder_agent("events", docs))
    settings = make_settings()
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["sync", "--once"])
    assert args.handler(args, settings) == 0

    index = local_index_from(settings)
    try:
        sync_folders(index, [])  # start-up sync with no LOCAL_KB_PATHS folders
        (passage, *_) = index.search_now("when are office hours", 3)
        assert passage["title"] == "Office hours"
        assert [s.source_id for s in index.stats()] == ["agent:events"]
    finally:
        index.close()
