"""The local index re-indexes only what changed, forgets what was deleted, and skips bad files."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from community_bot.errors import KnowledgeBaseError
from community_bot.kb.documents import Document
from community_bot.kb.folders import folder_source_id, sync_folder, sync_folders
from community_bot.kb.index import LocalIndex
from community_bot.kb.sources import IndexReport


def doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, text=text, title=doc_id, source=f"agent/{doc_id}")


def sources_of(index: LocalIndex, query: str) -> list[str]:
    return [p["source"] for p in index.search_now(query, 5)]


def test_first_sync_indexes_every_file(index: LocalIndex, docs: Path) -> None:
    report = sync_folder(index, docs)

    assert report.index == IndexReport(added=3, chunks=4)
    assert report.files == 3 and report.skipped == ()
    assert sources_of(index, "homebrew") == ["docs/install.md"]


def test_unchanged_files_are_not_indexed_again(index: LocalIndex, docs: Path) -> None:
    sync_folder(index, docs)
    version = index.version()

    report = sync_folder(index, docs)

    assert report.index == IndexReport(unchanged=3)
    assert index.version() == version


def test_a_changed_file_replaces_its_old_passages(index: LocalIndex, docs: Path) -> None:
    sync_folder(index, docs)
    version = index.version()
    (docs / "discord.md").write_text("# Discord setup\n\nUse the webhook wizard.\n")

    report = sync_folder(index, docs)

    assert report.index == IndexReport(updated=1, unchanged=2, chunks=1)
    assert index.version() != version
    assert sources_of(index, "webhook wizard") == ["docs/discord.md"]
    assert sources_of(index, "developer portal") == []


def test_a_deleted_file_disappears_from_results(index: LocalIndex, docs: Path) -> None:
    sync_folder(index, docs)
    (docs / "install.md").unlink()

    report = sync_folder(index, docs)

    assert report.index.removed == 1
    assert sources_of(index, "homebrew") == []
    assert index.stats()[0].documents == 2


def test_a_corrupt_file_is_reported_by_name_and_skipped(
    index: LocalIndex, docs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (docs / "broken.md").write_bytes(b"# Broken\n\n\xff\xfe not utf-8")

    with caplog.at_level(logging.WARNING):
        report = sync_folder(index, docs)

    assert report.index.added == 3
    assert len(report.skipped) == 1 and "broken.md: not valid UTF-8" in report.skipped[0]
    assert "broken.md" in caplog.text
    assert sources_of(index, "homebrew") == ["docs/install.md"]


def test_a_file_that_turns_unreadable_keeps_its_last_good_version(
    index: LocalIndex, docs: Path
) -> None:
    sync_folder(index, docs)
    (docs / "install.md").write_bytes(b"\xff\xfe# Install")

    report = sync_folder(index, docs)

    assert report.index.removed == 0 and len(report.skipped) == 1
    assert sources_of(index, "homebrew") == ["docs/install.md"]


def test_folders_no_longer_configured_are_forgotten(
    index: LocalIndex, docs: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "faq.md").write_text("# FAQ\n\nThe bot is free and open source.\n")
    sync_folders(index, [docs, other])

    sync_folders(index, [docs])

    assert index.source_ids() == [folder_source_id(docs)]
    assert sources_of(index, "open source") == []


def test_a_missing_folder_names_the_setting(index: LocalIndex, tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="LOCAL_KB_PATHS"):
        sync_folder(index, tmp_path / "nowhere")


def test_agents_write_documents_into_their_own_source(index: LocalIndex, docs: Path) -> None:
    sync_folder(index, docs)
    first = index.replace_documents("agent:releases", [doc("v1", "Release 1.0 adds forums.")])
    again = index.replace_documents("agent:releases", [doc("v2", "Release 2.0 adds voice.")])

    assert first == IndexReport(added=1, chunks=1)
    assert again == IndexReport(added=1, removed=1, chunks=1)
    assert sources_of(index, "release voice") == ["agent/v2"]
    assert sources_of(index, "homebrew") == ["docs/install.md"]  # the folder is untouched
    stats = {s.source_id: (s.documents, s.chunks) for s in index.stats()}
    assert stats == {"agent:releases": (1, 1), folder_source_id(docs): (3, 4)}


def test_the_index_survives_reopening(tmp_path: Path, docs: Path) -> None:
    first = LocalIndex(tmp_path / "k.sqlite")
    sync_folder(first, docs)
    first.close()

    reopened = LocalIndex(tmp_path / "k.sqlite")
    try:
        assert sync_folder(reopened, docs).index == IndexReport(unchanged=3)
        assert sources_of(reopened, "homebrew") == ["docs/install.md"]
    finally:
        reopened.close()


def test_an_index_of_an_older_format_is_rebuilt_on_opening(tmp_path: Path, docs: Path) -> None:
    path = tmp_path / "index.sqlite"
    first = LocalIndex(path)
    sync_folder(first, docs)
    first.close()
    with sqlite3.connect(path) as older:
        older.execute("UPDATE meta SET value = 'an older format' WHERE key = 'format'")

    reopened = LocalIndex(path)
    assert reopened.stats() == []  # rebuilt empty: the next sync reads every file again
    report = sync_folder(reopened, docs)
    reopened.close()
    assert (report.index.added, report.index.unchanged) == (3, 0)
