"""Bedrock knowledge bases inside `Knowledge`, beside the local index: merged, cached per
version, invalidated by a completed ingestion, skipped when failing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from community_bot.kb.bedrock import BedrockKnowledgeSource, mark_ingested
from community_bot.kb.documents import Document
from community_bot.kb.index import LocalIndex
from community_bot.kb.knowledge import Knowledge
from community_bot.settings import Settings
from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator, chunk
from tests.kb_remote.conftest import KB_ID

MakeSettings = Callable[..., Settings]


async def knowledge(settings: Settings, tmp_path: Path) -> Knowledge:
    local = LocalIndex(tmp_path / "index.sqlite")
    local.replace_documents(
        "agent:handbook",
        [
            Document(
                "rules.md",
                "# Server rules\n\nBe kind to newcomers and answer in threads.",
                "Server rules",
                "handbook/rules.md",
            )
        ],
    )
    # A stopped clock: KB_CACHE_TTL_SECONDS periods are aligned to the clock, and a test that
    # ran across a period's end would see its cache expire (it did, once, at uptime 7,200 s).
    bedrock = BedrockKnowledgeSource(
        KB_ID,
        settings.knowledge,
        aws_region=settings.aws_region,
        backoff_base_s=0.001,
        backoff_cap_s=0.002,
        clock=lambda: 0.0,
    )
    found = Knowledge([local, bedrock], settings.knowledge)
    await found.prepare()
    return found


@pytest.fixture
def kb(knowledge_base: KnowledgeBaseEmulator) -> KnowledgeBaseEmulator:
    knowledge_base.add(
        KB_ID,
        chunk("Reset your password from Settings > Account.", "s3://kb/faq/password.md"),
        chunk("Office hours are on Thursdays.", "s3://kb/events/office.md"),
    )
    return knowledge_base


async def test_bedrock_passages_answer_beside_the_local_index(
    kb: KnowledgeBaseEmulator, make_settings: MakeSettings, tmp_path: Path
) -> None:
    found = await knowledge(make_settings(), tmp_path)
    passages, outcome = await found.retrieve("reset my password")
    assert passages[0]["origin"] == f"bedrock:{KB_ID}"
    assert passages[0]["source"] == "s3://kb/faq/password.md"
    assert outcome["hit"]


async def test_a_repeated_question_costs_no_second_retrieve_until_an_ingestion_completes(
    kb: KnowledgeBaseEmulator, make_settings: MakeSettings, tmp_path: Path
) -> None:
    found = await knowledge(make_settings(), tmp_path)
    await found.retrieve("reset my password")
    await found.retrieve("Reset my password?")
    assert len(kb.requests) == 1
    mark_ingested(found.sources, KB_ID)
    await found.retrieve("reset my password")
    assert len(kb.requests) == 2


async def test_a_failing_knowledge_base_is_logged_and_skipped(
    kb: KnowledgeBaseEmulator,
    make_settings: MakeSettings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kb.refuse(KB_ID, "AccessDeniedException")
    with caplog.at_level(logging.WARNING):
        found = await knowledge(make_settings(), tmp_path)
        passages, _ = await found.retrieve("server rules newcomers")
    assert [p["origin"] for p in passages] == ["local"]
    (record,) = [r for r in caplog.records if "failed, skipped" in r.getMessage()]
    assert f"Bedrock knowledge base {KB_ID}: AccessDeniedException (403)" in record.getMessage()
    assert "allow bedrock:Retrieve" in record.getMessage()


async def test_bedrock_passages_under_their_floor_count_as_a_miss(
    kb: KnowledgeBaseEmulator, make_settings: MakeSettings, tmp_path: Path
) -> None:
    found = await knowledge(make_settings(kb_bedrock_min_score=0.9), tmp_path)
    passages, outcome = await found.retrieve("password policy for admins")
    assert passages == [] and not outcome["hit"]
    assert outcome["top_score"] is not None  # Bedrock answered; its scores were too low
