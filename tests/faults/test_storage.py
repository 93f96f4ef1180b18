"""Storage faults, each a named error or a contained repair, never a traceback: a damaged memory
file, one unreadable checkpoint row, a DATA_DIR that is a file, unwritable, or empty."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from community_bot.checkpoints import QUARANTINE_MARK
from tests.faults.conftest import EnvFactory, ask_json, run_cli
from tests.faults.test_lost_turns import humans, memory_of

INSTALL = "How do I install community-bot on my Mac?"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"this is not a database at all\n" * 100, id="garbage"),
        pytest.param(b"SQLite format 3\x00" + b"\xff" * 4080, id="malformed-header"),
    ],
)
def test_a_damaged_memory_file_is_named_left_alone_and_the_fix_given(
    cli_env: EnvFactory, tmp_path: Path, damage: bytes
) -> None:
    memory = tmp_path / "data" / "memory.sqlite"
    memory.parent.mkdir()
    memory.write_bytes(damage)
    done = run_cli(["ask", INSTALL], cli_env())
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"the conversation memory {memory} is damaged" in done.stderr
    assert "nothing was changed" in done.stderr
    assert f"mv {memory} {memory}.broken" in done.stderr
    assert memory.read_bytes() == damage


def test_one_unreadable_checkpoint_row_quarantines_only_its_thread(
    cli_env: EnvFactory, tmp_path: Path
) -> None:
    env = cli_env(LOG_LEVEL="WARNING")
    ask_json(INSTALL, env, channel="broken")
    ask_json(INSTALL, env, channel="fine")
    memory = tmp_path / "data" / "memory.sqlite"
    with sqlite3.connect(memory) as db:  # a msgpack string that is not UTF-8
        damaged = b"\xa3\xff\xfe\xfd"
        db.execute("UPDATE checkpoints SET checkpoint = ? WHERE thread_id = 'broken'", (damaged,))

    reply = ask_json("And on Windows?", env, channel="broken")
    assert reply["chunks"]  # answered, in a fresh thread
    chat = run_cli(["chat", "--channel", "broken"], env, stdin="Hello again\n/quit\n")
    assert chat.returncode == 0 and "Traceback" not in chat.stderr, chat.stderr[-2000:]

    history, _ = memory_of(tmp_path / "data", "broken")
    assert humans(history) == ["And on Windows?", "Hello again"]
    assert humans(memory_of(tmp_path / "data", "fine")[0]) == [INSTALL]  # untouched
    with sqlite3.connect(memory) as db:
        kept = db.execute(
            "SELECT checkpoint FROM checkpoints WHERE thread_id LIKE ?",
            (f"broken{QUARANTINE_MARK}%",),
        ).fetchall()
    assert kept == [(b"\xa3\xff\xfe\xfd",)]  # the bad row, kept for inspection


def test_a_data_dir_that_is_a_file_is_named(cli_env: EnvFactory, tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    done = run_cli(["ask", INSTALL], cli_env())
    assert done.returncode == 2
    assert f"DATA_DIR={a_file} is a file, not a folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert a_file.read_text() == "not a folder"


def test_a_data_dir_that_cannot_be_created_is_named(cli_env: EnvFactory, tmp_path: Path) -> None:
    """A folder that cannot be made (under a file here; read-only mounts fail the same way)."""
    (tmp_path / "a-file").write_text("")
    folder = tmp_path / "a-file" / "data"
    done = run_cli(["ask", INSTALL], cli_env(DATA_DIR=str(folder)))
    assert done.returncode == 2
    assert f"DATA_DIR={folder} cannot be written" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unwritable_memory_file_is_named(cli_env: EnvFactory, tmp_path: Path) -> None:
    """A memory path whose folder does not exist (or cannot be written): named, no traceback."""
    missing = tmp_path / "nowhere" / "memory.sqlite"
    done = run_cli(["ask", INSTALL], cli_env(CHECKPOINT_URL=str(missing)))
    assert done.returncode == 2
    assert f"cannot open the conversation memory {missing}" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_empty_question_is_answered_without_a_model(cli_env: EnvFactory, tmp_path: Path) -> None:
    reply = ask_json("   \n\t ", cli_env(), channel="empty")
    assert "Your message was empty" in "".join(reply["chunks"])
    assert reply["turn"] is None  # no model, no cost, no turn
    assert memory_of(tmp_path / "data", "empty") == ([], None)
