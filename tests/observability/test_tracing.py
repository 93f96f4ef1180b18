"""LangSmith tracing over the wire, against an emulator of LangSmith's ingestion API.

With LANGSMITH_TRACING=true each turn arrives as one trace whose root run carries the run name,
the channel, author, profile, tier and model; 👍/👎 become LangSmith feedback on that trace.
With tracing off the emulator receives nothing at all, not even `GET /info`.
"""

from __future__ import annotations

from typing import Any

import pytest

from community_bot.errors import ConfigError
from community_bot.observability.tracing import FEEDBACK_KEY, ROOT_RUN_NAME
from community_bot.settings import load_settings
from community_bot.turns import Author
from tests.emulators.langsmith import LangSmithEmulator
from tests.fakes import ScriptedGateway
from tests.graph.conftest import OpenApp

ALICE = Author(id="4242", name="Alice")
API_KEY = "lsv2_pt_emulated0123456789abcdef_0123456789"


def tracing_on(langsmith: LangSmithEmulator) -> dict[str, Any]:
    return {
        "langsmith_tracing": True,
        "langsmith_endpoint": langsmith.url,
        "langsmith_api_key": API_KEY,
        "langsmith_project": "community-bot-tests",
    }


async def test_a_traced_turn_arrives_as_one_root_run_with_name_and_metadata(
    conversation_app: OpenApp, langsmith: LangSmithEmulator
) -> None:
    async with conversation_app(**tracing_on(langsmith)) as app:
        reply = await app.conversation.ask("discord:77", "How do I install it?", ALICE, "support")
    # Closing the app flushed the client: everything has arrived.

    [root] = langsmith.root_runs()
    assert root["id"] == reply.run_id
    assert root["name"] == ROOT_RUN_NAME
    assert root["session_name"] == "community-bot-tests"
    assert root["end_time"] and not root.get("error")
    metadata = root["extra"]["metadata"]
    assert metadata["channel"] == metadata["thread_id"] == "discord:77"
    assert metadata["author_id"] == "4242"
    assert metadata["profile"] == "support"
    assert (metadata["tier"], metadata["model"]) == ("medium", "fake-medium")
    assert (metadata["outcome"], metadata["kb"]) == ("ok", "hit")
    assert {"tier:medium", "model:fake-medium", "outcome:ok", "kb:hit"} <= set(root["tags"])
    assert root["inputs"] == {"question": "How do I install it?"}
    assert root["outputs"]["reply"] == reply.text
    assert {r.api_key for r in langsmith.requests} == {API_KEY}


async def test_the_graph_and_its_nodes_nest_under_the_turns_root_run(
    conversation_app: OpenApp, langsmith: LangSmithEmulator
) -> None:
    async with conversation_app(**tracing_on(langsmith)) as app:
        reply = await app.conversation.ask("discord:1", "How do I install it?", ALICE)

    [graph] = langsmith.children_of(str(reply.run_id))
    assert graph["name"] == "community-bot"
    nodes = {run["name"] for run in langsmith.children_of(graph["id"])}
    assert {"assemble_prompt", "retrieve", "route", "generate", "split_reply"} <= nodes
    assert all(run["trace_id"] == reply.run_id for run in langsmith.runs.values())


async def test_runs_arrive_by_multipart_ingestion_zstd_compressed_once_info_is_known(
    conversation_app: OpenApp, langsmith: LangSmithEmulator
) -> None:
    async with conversation_app(**tracing_on(langsmith)) as app:
        first = await app.conversation.ask("discord:1", "hello?", ALICE)
        # Sending feedback flushes the client, so by now it has read /info and compresses.
        await app.record_feedback(thread_id="discord:1", run_id=first.run_id, user_id="9", score=1)
        second = await app.conversation.ask("discord:1", "and then?", ALICE)

    assert {root["id"] for root in langsmith.root_runs()} == {first.run_id, second.run_id}
    ingest = [r for r in langsmith.requests if r.path.startswith("/runs")]
    assert {r.path for r in ingest} == {"/runs/multipart"}
    assert ingest[-1].content_encoding == "zstd"


async def test_a_fallback_to_the_docs_is_visible_on_the_root_run(
    conversation_app: OpenApp, langsmith: LangSmithEmulator, gateway: ScriptedGateway
) -> None:
    gateway.down = {"medium"}
    async with conversation_app(**tracing_on(langsmith)) as app:
        await app.conversation.ask("discord:1", "How do I install it?", ALICE)

    [root] = langsmith.root_runs()
    metadata = root["extra"]["metadata"]
    assert metadata["outcome"] == "retrieval_only"
    assert metadata["failed_attempts"] == 1
    assert "outcome:retrieval_only" in root["tags"]


async def test_thumbs_become_langsmith_feedback_on_the_turns_trace(
    conversation_app: OpenApp, langsmith: LangSmithEmulator
) -> None:
    async with conversation_app(**tracing_on(langsmith)) as app:
        reply = await app.conversation.ask("discord:1", "How do I install it?", ALICE)
        await app.record_feedback(thread_id="discord:1", run_id=reply.run_id, user_id="9", score=1)
        await app.record_feedback(thread_id="discord:1", run_id=reply.run_id, user_id="8", score=-1)

    assert sorted((f["run_id"], f["key"], f["score"]) for f in langsmith.feedback) == [
        (reply.run_id, FEEDBACK_KEY, -1),
        (reply.run_id, FEEDBACK_KEY, 1),
    ]
    assert {f["trace_id"] for f in langsmith.feedback} == {reply.run_id}
    assert {f["session_id"] for f in langsmith.feedback} == {
        langsmith.projects["community-bot-tests"]
    }


async def test_with_tracing_off_nothing_reaches_langsmith(
    conversation_app: OpenApp, langsmith: LangSmithEmulator
) -> None:
    settings = {**tracing_on(langsmith), "langsmith_tracing": False}
    async with conversation_app(**settings) as app:
        reply = await app.conversation.ask("discord:1", "How do I install it?", ALICE)
        await app.record_feedback(thread_id="discord:1", run_id=reply.run_id, user_id="9", score=1)
        assert app.ledger.feedback_for(str(reply.run_id)) == [("9", 1)]  # kept locally

    assert langsmith.requests == []


def test_tracing_to_langsmith_cloud_without_a_key_fails_at_start_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in (
        "LANGSMITH_API_KEY",
        "LANGCHAIN_API_KEY",
        "LANGSMITH_ENDPOINT",
        "LANGCHAIN_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    with pytest.raises(ConfigError, match="LANGSMITH_API_KEY is required when LANGSMITH_TRACING"):
        load_settings()
