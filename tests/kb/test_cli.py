"""`community-bot kb search | stats | index` as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.cli import main


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, docs: Path) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOCAL_KB_PATHS", str(docs))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def test_search_json_lists_the_passages_the_bot_would_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["kb", "search", "--json", "-k", "2", "install on a mac with homebrew"]) == 0

    passages = json.loads(capsys.readouterr().out)
    assert passages[0]["source"] == "docs/install.md"
    assert passages[0]["title"] == "Install"
    assert passages[0]["heading"] == "macOS"
    assert "brew install" in passages[0]["text"]
    assert 0.3 <= passages[0]["score"] <= 1
    assert len(passages) <= 2


def test_search_shows_scores_sources_and_headings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "search", "discord token"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("[1] Discord setup  (score ")
    assert "docs/discord.md" in out


def test_search_says_plainly_when_nothing_is_relevant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["kb", "search", "--json", "pizza recipe"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    assert main(["kb", "search", "pizza recipe"]) == 0
    assert "docs don't cover this" in capsys.readouterr().out


def test_stats_lists_documents_passages_and_last_sync(
    capsys: pytest.CaptureFixture[str], docs: Path
) -> None:
    main(["kb", "index"])
    capsys.readouterr()

    assert main(["kb", "stats"]) == 0

    out = capsys.readouterr().out
    assert f"{docs.resolve()}: 3 documents, 4 passages, last sync 20" in out


def test_stats_of_an_empty_index_says_how_to_fill_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "stats"]) == 0
    assert "kb index" in capsys.readouterr().out


def test_index_reports_changes_and_names_skipped_files(
    capsys: pytest.CaptureFixture[str], docs: Path
) -> None:
    (docs / "broken.md").write_bytes(b"\xff\xfe\x00")

    assert main(["kb", "index"]) == 0
    first, errors = capsys.readouterr()
    assert main(["kb", "index"]) == 0
    second = capsys.readouterr().out

    assert "4 files — 3 added, 0 updated, 0 unchanged, 0 removed; 4 passages written" in first
    assert f"skipped {docs / 'broken.md'}: not valid UTF-8" in first
    assert "3 unchanged" in second
    assert "indexing docs" not in errors  # no progress bar when stderr is not a terminal


def test_index_refuses_when_the_local_knowledge_base_is_off(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_KB_ENABLED", "false")

    assert main(["kb", "index"]) == 1
    assert "LOCAL_KB_ENABLED=false" in capsys.readouterr().out


def test_a_missing_folder_fails_naming_the_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOCAL_KB_PATHS", str(tmp_path / "nowhere"))

    assert main(["kb", "index"]) == 2
    assert "LOCAL_KB_PATHS" in capsys.readouterr().err
