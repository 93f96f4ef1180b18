"""Each agent kind end to end: config file → collector → the document sink, with its report."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.agents.conftest import MakeSettings, MemorySink, WriteConfig, folder_agent
from tests.kb_wiring import sync_once_from


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def script_agent(agent_id: str, code: str, **config: Any) -> dict[str, Any]:
    return {
        "id": agent_id,
        "kind": "script",
        "config": {"command": [sys.executable, "-c", code], **config},
    }


def sql_agent(url: str, query: str, **config: Any) -> dict[str, Any]:
    return {"id": "faq", "kind": "sql", "config": {"url": url, "query": query, **config}}


# --- folder ----------------------------------------------------------------------------------


async def test_a_folder_becomes_one_titled_document_per_text_file(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    docs = tmp_path / "docs"
    write(docs / "guides/install.md", "---\ntitle: Installing\n---\n# Install\nUse brew.\n")
    write(docs / "faq.md", "Intro line\n\n# Frequently asked\nAsk away.\n")
    write(docs / "notes.rst", "Release notes\n=============\n\nVersion 2 is out.\n")
    write(docs / "plain_text-file.txt", "Just words.\n")
    write(
        docs / "page.html",
        "<html><head><title>Rules</title><style>p{}</style></head>"
        "<body><h1>Server rules</h1><p>Be kind.</p><script>x()</script></body></html>",
    )
    write(docs / ".drafts/secret.md", "# Draft\n")
    write(docs / "logo.png", b"\x89PNG")
    write_config(folder_agent("docs", docs, category="handbook", url_prefix="https://d.example/"))
    report = await sync_once_from(make_settings(), sink)
    assert sink.ids("agent:docs") == [
        "faq.md",
        "guides/install.md",
        "notes.rst",
        "page.html",
        "plain_text-file.txt",
    ]
    got = sink.sources["agent:docs"]
    assert got["guides/install.md"].title == "Installing"
    assert got["faq.md"].title == "Frequently asked"
    assert got["notes.rst"].title == "Release notes"
    assert got["plain_text-file.txt"].title == "Plain text file"
    assert got["page.html"].title == "Rules"
    assert got["page.html"].text == "# Server rules\n\nBe kind."
    assert got["faq.md"].source == "https://d.example/faq.md"
    assert {d.category for d in got.values()} == {"handbook"}
    (agent,) = report.agents
    assert (agent.documents, agent.index and agent.index.added, agent.error) == (5, 5, None)


async def test_patterns_narrow_a_folder_to_some_files(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    docs = tmp_path / "docs"
    write(docs / "guides/install.md", "# Install\n")
    write(docs / "guides/.hidden/x.md", "# Hidden\n")
    write(docs / "guides/logo.png", b"\x89PNG")
    write(docs / "blog/post.md", "# Post\n")
    write_config(folder_agent("docs", docs, patterns=["guides/**/*"]))
    await sync_once_from(make_settings(), sink)
    assert sink.ids("agent:docs") == ["guides/install.md"]


async def test_an_unreadable_file_is_skipped_by_name_and_the_rest_kept(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    docs = tmp_path / "docs"
    write(docs / "good.md", "# Good\n")
    write(docs / "latin1.txt", "caf\xe9".encode("latin-1"))
    write(docs / "empty.md", "  \n")
    write_config(folder_agent("docs", docs))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert sink.ids("agent:docs") == ["good.md"]
    assert agent.ok
    assert sorted(agent.skipped) == [
        "empty.md: no text",
        "latin1.txt: not valid UTF-8 (byte 0xe9 at offset 3)",
    ]


async def test_files_removed_from_the_folder_leave_the_sink_on_the_next_run(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    docs = tmp_path / "docs"
    write(docs / "a.md", "# A\n")
    old = write(docs / "b.md", "# B\n")
    write_config(folder_agent("docs", docs))
    await sync_once_from(make_settings(), sink)
    old.unlink()
    write(docs / "a.md", "# A\nchanged\n")
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert sink.ids("agent:docs") == ["a.md"]
    assert agent.index is not None
    assert (agent.index.added, agent.index.updated, agent.index.removed) == (0, 1, 1)


async def test_a_missing_folder_fails_the_agent_by_name(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(folder_agent("docs", tmp_path / "nowhere"))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error == f"folder {tmp_path / 'nowhere'} does not exist"
    assert sink.calls == []


# --- script ----------------------------------------------------------------------------------

JSON_LIST = """
import json
print(json.dumps([
    {"id": "welcome", "content": "Welcome!", "title": "Welcome", "category": "intro",
     "source": "https://x.example/welcome", "metadata": {"audience": "new", "rank": 1}},
    {"id": 42, "content": "Numbered."},
]))
"""


async def test_a_script_printing_a_json_list_fills_the_sink(
    write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(script_agent("news", JSON_LIST, category="news"))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.ok and agent.documents == 2
    welcome, numbered = sink.sources["agent:news"]["welcome"], sink.sources["agent:news"]["42"]
    assert (welcome.title, welcome.category, welcome.source) == (
        "Welcome",
        "intro",
        "https://x.example/welcome",
    )
    assert welcome.metadata == {"audience": "new", "rank": "1"}
    assert (numbered.title, numbered.category, numbered.source) == ("42", "news", "news:42")


async def test_a_script_may_print_json_lines_and_malformed_items_are_skipped(
    write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    code = (
        'print(\'{"id": "a", "content": "A"}\')\n'
        "print()\n"
        'print(\'{"id": "b"}\')\n'
        'print(\'{"id": "a", "content": "again"}\')\n'
    )
    write_config(script_agent("lines", code))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert sink.ids("agent:lines") == ["a"]
    assert sink.sources["agent:lines"]["a"].text == "A"
    assert agent.skipped == ["item 2: content: Field required", "a: duplicate id"]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (
            "import sys; print('token expired', file=sys.stderr); sys.exit(3)",
            "command exited with status 3: token expired",
        ),
        ("print('[{\"id\": 1,')", "command output is not JSON (line 2: Expecting property"),
        ('print(\'{"id": "a", "content": "x"}\'); print(\'oops\')', "(line 2: Expecting value)"),
        ("print(7)", "command output is JSON but neither a list nor an object"),
        ("import time; time.sleep(5)", "command timed out after 0.5 s"),
    ],
)
async def test_a_failing_script_is_reported_with_the_agent_id_and_keeps_old_documents(
    write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink, code: str, error: str
) -> None:
    write_config(script_agent("news", JSON_LIST))
    await sync_once_from(make_settings(), sink)
    write_config(script_agent("news", code, timeout_seconds=0.5))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error is not None and error in agent.error
    assert agent.summary().startswith("news (script): FAILED")
    assert sink.ids("agent:news") == ["42", "welcome"]


async def test_a_command_that_does_not_exist_is_named(
    write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config({"id": "x", "kind": "script", "config": {"command": "no-such-collector --all"}})
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error == "command not found: no-such-collector"


async def test_the_old_script_path_form_runs_with_this_python_and_its_env(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    script = write(
        tmp_path / "collect.py",
        "import json, os, sys\n"
        "print(json.dumps({'id': sys.argv[1], 'content': os.environ['GREETING']}))\n",
    )
    write_config(
        {
            "id": "old",
            "type": "script",
            "config": {
                "script_path": str(script),
                "script_args": ["hello"],
                "env": {"GREETING": "${WHO:-hi there}"},
            },
        }
    )
    await sync_once_from(make_settings(), sink)
    assert sink.sources["agent:old"]["hello"].text == "hi there"


# --- sql -------------------------------------------------------------------------------------


def faq_database(path: Path) -> Path:
    with sqlite3.connect(path) as database:
        database.execute(
            "CREATE TABLE faq (id INTEGER, question TEXT, answer TEXT, topic TEXT, url TEXT)"
        )
        database.executemany(
            "INSERT INTO faq VALUES (?, ?, ?, ?, ?)",
            [
                (1, "How do I reset?", "From Settings.", "account", "https://x.example/1"),
                (2, "Where are logs?", "In ~/.logs.", None, None),
                (3, "Empty?", None, "misc", None),
            ],
        )
    return path


async def test_sql_rows_are_mapped_by_column_name(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    db = faq_database(tmp_path / "faq.sqlite")
    write_config(
        sql_agent(
            f"sqlite:///{db}",
            "SELECT id, question AS title, answer AS content, topic AS category, url AS source,"
            " topic FROM faq",
            metadata_columns=["topic"],
            category="faq",
        )
    )
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    first, second = sink.sources["agent:faq"]["1"], sink.sources["agent:faq"]["2"]
    assert (first.title, first.text, first.category, first.source) == (
        "How do I reset?",
        "From Settings.",
        "account",
        "https://x.example/1",
    )
    assert first.metadata == {"topic": "account"}
    assert (second.category, second.source, second.metadata) == ("faq", "faq:2", {})
    assert agent.skipped == ["3: no text"]


async def test_sql_content_can_be_built_from_several_columns(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    db = faq_database(tmp_path / "faq.sqlite")
    write_config(
        sql_agent(
            f"sqlite:///{db}",
            "SELECT * FROM faq WHERE id = 1",
            content_columns=["question", "answer"],
            title_column="question",
        )
    )
    await sync_once_from(make_settings(), sink)
    document = sink.sources["agent:faq"]["1"]
    assert document.text == "question: How do I reset?\nanswer: From Settings."
    assert document.title == "How do I reset?"


@pytest.mark.parametrize(
    ("query", "extra", "error"),
    [
        (
            "SELECT question FROM faq",
            {},
            "query result has no column content, id (it has question)",
        ),
        (
            "SELECT id, answer AS content FROM faq",
            {"title_column": "headline"},
            "query result has no column headline (it has id, content)",
        ),
        ("SELECT * FROM nope", {}, "query failed: no such table: nope"),
        ("DELETE FROM faq", {}, "query failed: attempt to write a readonly database"),
    ],
)
async def test_sql_problems_fail_the_agent_with_a_clear_reason(
    tmp_path: Path,
    write_config: WriteConfig,
    make_settings: MakeSettings,
    sink: MemorySink,
    query: str,
    extra: dict[str, str],
    error: str,
) -> None:
    db = faq_database(tmp_path / "faq.sqlite")
    write_config(sql_agent(f"sqlite:///{db}", query, **extra))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error == error
    assert sink.calls == []


async def test_a_missing_database_file_is_named(
    tmp_path: Path, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(sql_agent(f"sqlite:///{tmp_path}/x.db", "SELECT 1"))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error == f"database file {tmp_path}/x.db does not exist"
