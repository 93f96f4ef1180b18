"""The checkpointer: LangGraph's SQLite tables, only each thread's latest checkpoint kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, Checkpoint, empty_checkpoint
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph

from community_bot.checkpoints import QUARANTINE_MARK, ThreadMemorySaver


class EchoState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


async def echo(state: EchoState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"echo: {state['messages'][-1].content}")]}


def _echo_graph(saver: BaseCheckpointSaver[Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
    builder = StateGraph(EchoState)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    builder.add_edge("echo", END)
    return builder.compile(checkpointer=saver)


def _thread(thread_id: str, namespace: str = "") -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": namespace}}


def _at(thread_id: str, checkpoint: Checkpoint) -> RunnableConfig:
    return {
        "configurable": {
            "thread_id": thread_id,
            "checkpoint_ns": "",
            "checkpoint_id": checkpoint["id"],
        }
    }


async def _turn(graph: CompiledStateGraph[Any, Any, Any, Any], thread_id: str, text: str) -> None:
    """One turn saved the way `Conversation` saves it: once, when it ends."""
    await graph.ainvoke(
        {"messages": [HumanMessage(content=text)]}, _thread(thread_id), durability="exit"
    )


async def _contents(graph: CompiledStateGraph[Any, Any, Any, Any], thread_id: str) -> list[str]:
    state = await graph.aget_state(_thread(thread_id))
    return [str(message.content) for message in state.values.get("messages", [])]


def _checkpoint(note: str) -> Checkpoint:
    checkpoint = empty_checkpoint()  # a fresh id, later than every one before it
    checkpoint["channel_values"] = {"note": note}
    return checkpoint


async def _save(
    saver: BaseCheckpointSaver[Any], thread_id: str, note: str, namespace: str = ""
) -> RunnableConfig:
    """Save a checkpoint after the thread's latest in `namespace`, as LangGraph chains them."""
    latest = await saver.aget_tuple(_thread(thread_id, namespace))
    config = latest.config if latest else _thread(thread_id, namespace)
    return await saver.aput(config, _checkpoint(note), {"source": "loop", "step": 0}, {})


def _rows(path: Path, table: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        query = f"SELECT thread_id, checkpoint_ns, checkpoint_id FROM {table} ORDER BY 1, 2, 3"
        return list(conn.execute(query))


async def test_a_saved_checkpoint_reads_back_as_the_threads_latest(tmp_path: Path) -> None:
    async with ThreadMemorySaver.open(tmp_path / "memory.sqlite") as saver:
        saved = await _save(saver, "one", "hello")
        found = await saver.aget_tuple(_thread("one"))

    assert found is not None
    assert found.config == saved
    assert found.checkpoint["channel_values"] == {"note": "hello"}
    assert found.metadata["source"] == "loop"


async def test_each_save_keeps_only_the_threads_latest_checkpoint(tmp_path: Path) -> None:
    async with ThreadMemorySaver.open(tmp_path / "memory.sqlite") as saver:
        for note in ("first", "second", "third"):
            latest = await _save(saver, "one", note)
        kept = [found async for found in saver.alist(_thread("one"))]

    assert [found.config for found in kept] == [latest]
    assert kept[0].checkpoint["channel_values"] == {"note": "third"}


async def test_saving_drops_the_pending_writes_of_superseded_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        old = await _save(saver, "one", "old")
        await saver.aput_writes(old, [("note", "on the old one")], "task")
        new = await _save(saver, "one", "new")
        await saver.aput_writes(new, [("note", "on the new one")], "task")
        found = await saver.aget_tuple(_thread("one"))

    assert [row[2] for row in _rows(path, "writes")] == [new["configurable"]["checkpoint_id"]]
    assert found is not None and found.pending_writes == [("task", "note", "on the new one")]


async def test_writes_stored_ahead_of_their_checkpoint_survive_the_save_before_it(
    tmp_path: Path,
) -> None:
    earlier, later = _checkpoint("earlier"), _checkpoint("later")
    async with ThreadMemorySaver.open(tmp_path / "memory.sqlite") as saver:
        await saver.aput_writes(_at("one", later), [("note", "ahead")], "task")
        await saver.aput(_thread("one"), earlier, {"source": "loop", "step": 0}, {})
        await saver.aput(_at("one", earlier), later, {"source": "loop", "step": 1}, {})
        found = await saver.aget_tuple(_thread("one"))

    assert found is not None and found.checkpoint["id"] == later["id"]
    assert found.pending_writes == [("task", "note", "ahead")]


async def test_saving_leaves_other_threads_and_namespaces_alone(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        for thread_id, namespace in [("one", ""), ("one", "sub"), ("two", ""), ("two", "")]:
            await _save(saver, thread_id, "before", namespace)
        await _save(saver, "one", "after")
        await _save(saver, "one", "after again")

    kept = [(thread_id, namespace) for thread_id, namespace, _ in _rows(path, "checkpoints")]
    assert kept == [("one", ""), ("one", "sub"), ("two", "")]


async def test_deleting_a_thread_forgets_it_and_only_it(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        for thread_id in ("one", "two"):
            saved = await _save(saver, thread_id, "hello")
            await saver.aput_writes(saved, [("note", "pending")], "task")
        await saver.adelete_thread("one")
        one = await saver.aget_tuple(_thread("one"))
        two = await saver.aget_tuple(_thread("two"))

    assert one is None and two is not None
    assert {row[0] for row in _rows(path, "checkpoints") + _rows(path, "writes")} == {"two"}


async def _langgraph_database(path: Path) -> None:
    """Two threads of two turns each, every step checkpointed, by LangGraph's own async saver."""
    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        graph = _echo_graph(saver)
        for thread_id in ("one", "two"):
            for text in ("hi", "again"):
                await graph.ainvoke({"messages": [HumanMessage(content=text)]}, _thread(thread_id))


def _count(path: Path, thread_id: str) -> int:
    return sum(1 for row in _rows(path, "checkpoints") if row[0] == thread_id)


async def test_a_database_written_by_langgraphs_async_saver_reads_back_and_continues(
    tmp_path: Path,
) -> None:
    path = tmp_path / "memory.sqlite"
    await _langgraph_database(path)
    untouched = _count(path, "two")
    async with ThreadMemorySaver.open(path) as saver:
        graph = _echo_graph(saver)
        before = await _contents(graph, "one")
        await _turn(graph, "one", "and again")
        after = await _contents(graph, "one")

    assert before == ["hi", "echo: hi", "again", "echo: again"]
    assert after == [*before, "and again", "echo: and again"]
    assert untouched > 1 and _count(path, "one") == 1 and _count(path, "two") == untouched


async def test_prune_keep_latest_leaves_each_thread_its_newest_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    await _langgraph_database(path)
    untouched = _count(path, "two")
    async with ThreadMemorySaver.open(path) as saver:
        latest = await saver.aget_tuple(_thread("one"))
        await saver.aprune(["one"])
        kept = await saver.aget_tuple(_thread("one"))

    assert latest is not None and kept is not None
    assert kept.config == latest.config and kept.pending_writes == latest.pending_writes
    assert _count(path, "one") == 1 and _count(path, "two") == untouched


async def test_prune_delete_forgets_the_threads(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    await _langgraph_database(path)
    async with ThreadMemorySaver.open(path) as saver:
        await saver.aprune(["one", "two"], strategy="delete")

    assert _rows(path, "checkpoints") == [] and _rows(path, "writes") == []


async def test_an_unknown_prune_strategy_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    await _langgraph_database(path)
    before = _rows(path, "checkpoints")
    async with ThreadMemorySaver.open(path) as saver:
        with pytest.raises(ValueError, match="keep_latest or delete"):
            await saver.aprune(["one"], strategy="keep_oldest")

    assert _rows(path, "checkpoints") == before


async def test_a_thread_continues_after_the_process_restarts(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        await _turn(_echo_graph(saver), "one", "my name is Alice")
    async with ThreadMemorySaver.open(path) as saver:
        graph = _echo_graph(saver)
        await _turn(graph, "one", "what is my name?")
        contents = await _contents(graph, "one")

    assert contents == [
        "my name is Alice",
        "echo: my name is Alice",
        "what is my name?",
        "echo: what is my name?",
    ]
    assert _count(path, "one") == 1


async def test_commits_go_to_a_write_ahead_log_without_waiting_for_the_disk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        synchronous = saver.conn.execute("PRAGMA synchronous").fetchone()[0]
    with sqlite3.connect(path) as conn:
        journal_mode = conn.execute("PRAGMA journal_mode").fetchone()[0]

    assert journal_mode == "wal"  # stored in the file: every connection uses it
    assert synchronous == 1  # NORMAL: with WAL, only a power cut can lose the last commits


# --- the latest state in memory --------------------------------------------------------------


def _note(found: Any) -> str:
    assert found is not None
    return str(found.checkpoint["channel_values"]["note"])


async def test_the_latest_state_is_read_from_memory_as_a_copy_of_its_checkpoint(
    tmp_path: Path,
) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        await _save(saver, "one", "hello")
        with sqlite3.connect(path) as damage:  # the file's copy can no longer be decoded
            damage.execute("UPDATE checkpoints SET checkpoint = x'c1'")
        first = await saver.aget_tuple(_thread("one"))
        assert first is not None
        first.checkpoint["channel_versions"]["note"] = "changed by a run"
        second = await saver.aget_tuple(_thread("one"))

    assert _note(first) == _note(second) == "hello"
    assert second is not None and second.checkpoint["channel_versions"] == {}
    async with ThreadMemorySaver.open(path) as fresh:  # a new process must decode the file
        assert await fresh.aget_tuple(_thread("one")) is None  # it cannot: set aside, see below
    with sqlite3.connect(path) as db:
        (kept,) = db.execute("SELECT thread_id FROM checkpoints").fetchone()
    assert kept.startswith(f"one{QUARANTINE_MARK}")


async def test_an_undecodable_thread_is_quarantined_once_and_others_are_untouched(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as saver:
        await _save(saver, "bad", "hello")
        await _save(saver, "good", "fine")
    with sqlite3.connect(path) as damage:
        damage.execute("UPDATE checkpoints SET checkpoint = x'a3fffefd' WHERE thread_id = 'bad'")
    async with ThreadMemorySaver.open(path) as fresh:
        assert await fresh.aget_tuple(_thread("bad")) is None
        assert await fresh.aget_tuple(_thread("bad")) is None  # the thread starts afresh
        assert _note(await fresh.aget_tuple(_thread("good"))) == "fine"
    errors = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(errors) == 1
    assert "ValueError: invalid UTF-8 string" in errors[0].getMessage()


async def test_a_newer_checkpoint_from_another_process_is_read_from_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "memory.sqlite"
    async with ThreadMemorySaver.open(path) as ours, ThreadMemorySaver.open(path) as theirs:
        await _save(ours, "one", "ours")
        await _save(theirs, "one", "theirs")
        found = await ours.aget_tuple(_thread("one"))

    assert _note(found) == "theirs"


async def test_pending_writes_added_after_a_save_are_read_back(tmp_path: Path) -> None:
    async with ThreadMemorySaver.open(tmp_path / "memory.sqlite") as saver:
        saved = await _save(saver, "one", "hello")
        await saver.aget_tuple(_thread("one"))
        await saver.aput_writes(saved, [("note", "pending")], "task")
        found = await saver.aget_tuple(_thread("one"))

    assert found is not None and found.pending_writes == [("task", "note", "pending")]


async def test_a_graph_turn_after_turn_on_the_remembered_state_keeps_every_message(
    tmp_path: Path,
) -> None:
    """LangGraph gets the same message objects back each turn; nothing may change them."""
    async with ThreadMemorySaver.open(tmp_path / "memory.sqlite") as saver:
        graph = _echo_graph(saver)
        for text in ("one", "two", "three"):
            await _turn(graph, "chat", text)
        contents = await _contents(graph, "chat")
    async with ThreadMemorySaver.open(tmp_path / "memory.sqlite") as reopened:
        from_file = await _contents(_echo_graph(reopened), "chat")

    expected = ["one", "echo: one", "two", "echo: two", "three", "echo: three"]
    assert contents == from_file == expected
