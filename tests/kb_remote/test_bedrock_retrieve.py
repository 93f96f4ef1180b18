"""Bedrock Knowledge Bases through the real boto3 client and langchain-aws, over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from community_bot.errors import ConfigError, KnowledgeBaseError
from community_bot.kb.bedrock import BedrockKnowledgeSource
from community_bot.settings import Settings, load_settings
from tests.emulators.bedrock_agent_runtime import Chunk, KnowledgeBaseEmulator, chunk
from tests.kb_remote.conftest import KB_ID

MakeSettings = Callable[..., Settings]
FAQ_FILTER = '{"equals": {"key": "category", "value": "faq"}}'


def source(settings: Settings) -> BedrockKnowledgeSource:
    return BedrockKnowledgeSource(
        KB_ID,
        settings.knowledge,
        aws_region=settings.aws_region,
        backoff_base_s=0.001,
        backoff_cap_s=0.002,
    )


def docs(kb: KnowledgeBaseEmulator) -> None:
    kb.add(
        KB_ID,
        chunk(
            "Reset your password from Settings > Account.",
            "s3://kb-docs/faq/account.md",
            category="faq",
        ),
        chunk(
            "Install with Homebrew on macOS: brew install tool.",
            "https://example.org/install",
            category="guides",
        ),
        chunk(
            "The password must have twelve characters.",
            "s3://kb-docs/policy/rules.txt",
            category="policy",
        ),
    )


async def test_passages_carry_text_title_source_score_and_origin(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    docs(knowledge_base)
    passages = await source(make_settings()).search("how do I reset my password", 3)
    first = passages[0]
    assert first["text"] == "Reset your password from Settings > Account."
    assert first["title"] == "account.md"
    assert first["source"] == "s3://kb-docs/faq/account.md"
    assert first["heading"] == ""
    assert first["origin"] == f"bedrock:{KB_ID}"
    assert first["chunk_id"] == "chunk-1"
    assert first["score"] > passages[-1]["score"]
    web = next(p for p in passages if p["source"].startswith("https://"))
    assert web["source"] == "https://example.org/install"
    assert web["title"] == "install"


async def test_number_of_results_and_metadata_filter_are_sent_and_applied(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    docs(knowledge_base)
    settings = make_settings(kb_metadata_filter=FAQ_FILTER)
    passages = await source(settings).search("password", 7)
    assert knowledge_base.requests[-1].search == {
        "numberOfResults": 7,
        "filter": {"equals": {"key": "category", "value": "faq"}},
    }
    assert [p["source"] for p in passages] == ["s3://kb-docs/faq/account.md"]


async def test_without_a_filter_only_the_number_of_results_is_sent(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    docs(knowledge_base)
    passages = await source(make_settings()).search("password", 2)
    assert knowledge_base.requests[-1].search == {"numberOfResults": 2}
    assert len(passages) == 2


async def test_title_and_source_from_the_agents_metadata_win_over_the_s3_location(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    knowledge_base.add(
        KB_ID,
        Chunk(
            "Office hours are on Thursdays.",
            "s3://kb-docs/events/calendar/office-hours.txt",
            {"title": "Office hours", "source": "https://example.org/events"},
        ),
    )
    (passage,) = await source(make_settings()).search("office hours", 1)
    assert passage["title"] == "Office hours"
    assert passage["source"] == "https://example.org/events"


async def test_throttling_is_retried_then_answers(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    docs(knowledge_base)
    knowledge_base.refuse(KB_ID, "ThrottlingException", times=2)
    passages = await source(make_settings(kb_max_retries=2)).search("password", 1)
    assert len(knowledge_base.requests) == 3
    assert passages[0]["title"] == "account.md"


@pytest.mark.parametrize("error", ["ThrottlingException", "InternalServerException"])
async def test_retries_are_bounded_and_the_error_is_named(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings, error: str
) -> None:
    docs(knowledge_base)
    knowledge_base.refuse(KB_ID, error)
    with pytest.raises(KnowledgeBaseError) as raised:
        await source(make_settings(kb_max_retries=1)).search("password", 1)
    assert len(knowledge_base.requests) == 2
    assert str(raised.value).startswith(f"Bedrock knowledge base {KB_ID}: {error}")
    assert "gave up after 2 attempts" in str(raised.value)


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("AccessDeniedException", "allow bedrock:Retrieve"),
        ("ValidationException", "check KB_METADATA_FILTER"),
        ("ResourceNotFoundException", "check KNOWLEDGE_BASE_ID and AWS_REGION"),
    ],
)
async def test_refusals_are_not_retried_and_say_what_to_fix(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings, error: str, advice: str
) -> None:
    docs(knowledge_base)
    knowledge_base.refuse(KB_ID, error)
    with pytest.raises(KnowledgeBaseError) as raised:
        await source(make_settings(kb_max_retries=3)).search("password", 1)
    assert len(knowledge_base.requests) == 1
    assert error in str(raised.value)
    assert advice in str(raised.value)


async def test_an_unknown_knowledge_base_is_reported_by_id(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    with pytest.raises(KnowledgeBaseError, match=f"{KB_ID}: ResourceNotFoundException"):
        await source(make_settings()).search("anything", 1)


async def test_missing_credentials_are_named_without_a_request(
    knowledge_base: KnowledgeBaseEmulator,
    make_settings: MakeSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(KnowledgeBaseError, match="no AWS credentials; configure AWS credentials"):
        await source(make_settings()).search("password", 1)
    assert knowledge_base.requests == []


async def test_a_blank_question_costs_no_request(
    knowledge_base: KnowledgeBaseEmulator, make_settings: MakeSettings
) -> None:
    assert await source(make_settings()).search("   ", 3) == []
    assert knowledge_base.requests == []


def test_version_changes_after_an_ingestion_and_when_the_ttl_runs_out(
    make_settings: MakeSettings,
) -> None:
    now = [1000.0]
    settings = make_settings(kb_cache_ttl_seconds=60)
    kb = BedrockKnowledgeSource(KB_ID, settings.knowledge, aws_region=None, clock=lambda: now[0])
    first = kb.version()
    now[0] += 10
    assert kb.version() == first  # same window: a repeated question is served from cache
    kb.mark_changed()
    after_ingestion = kb.version()
    assert after_ingestion != first
    now[0] += 60
    assert kb.version() != after_ingestion


def test_a_zero_ttl_never_repeats_a_version(make_settings: MakeSettings) -> None:
    kb = BedrockKnowledgeSource(
        KB_ID, make_settings(kb_cache_ttl_seconds=0).knowledge, aws_region=None
    )
    assert kb.version() != kb.version()


def test_name_and_description_identify_the_knowledge_base(make_settings: MakeSettings) -> None:
    kb = BedrockKnowledgeSource(
        KB_ID, make_settings(kb_metadata_filter=FAQ_FILTER).knowledge, aws_region="eu-west-1"
    )
    assert kb.name == f"bedrock:{KB_ID}"
    assert kb.describe() == (
        f"Amazon Bedrock Knowledge Base {KB_ID} (eu-west-1, 5 results per question,"
        " metadata filter)"
    )


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ('{"equal": {"key": "a", "value": 1}}', 'Unknown parameter in filter: "equal"'),
        ('{"equals": {"key": "a"}}', 'Missing required parameter in equals: "value"'),
        ('{"equals": {"key": "a", "value": 1}, "in": {"key": "b", "value": [1]}}', "only set one"),
        ('["equals"]', "must be a JSON object"),
        ("{category: faq}", "not valid JSON"),
    ],
)
def test_a_bad_metadata_filter_fails_at_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, complaint: str
) -> None:
    monkeypatch.setenv("KB_METADATA_FILTER", value)
    with pytest.raises(ConfigError) as raised:
        load_settings(_env_file=None)
    (problem,) = raised.value.problems
    assert problem.startswith("KB_METADATA_FILTER: ")
    assert complaint in problem


def test_a_malformed_knowledge_base_id_fails_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_BASE_ID", "KBEMULATE1,my-kb")
    with pytest.raises(ConfigError, match="KNOWLEDGE_BASE_ID: 'my-kb' is not a knowledge base id"):
        load_settings(_env_file=None)


def test_a_knowledge_base_arn_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KBEMULATE1"
    monkeypatch.setenv("KNOWLEDGE_BASE_ID", arn)
    assert load_settings(_env_file=None).knowledge_base_id == [arn]


def test_the_emulator_pages_with_next_token_like_the_service(
    knowledge_base: KnowledgeBaseEmulator,
) -> None:
    import boto3  # type: ignore[import-untyped, unused-ignore]

    docs(knowledge_base)
    knowledge_base.page_size = 2
    client = boto3.client("bedrock-agent-runtime")
    ask = {"knowledgeBaseId": KB_ID, "retrievalQuery": {"text": "password"}}
    first = client.retrieve(**ask)
    second = client.retrieve(**ask, nextToken=first["nextToken"])
    assert len(first["retrievalResults"]) == 2
    assert len(second["retrievalResults"]) == 1
    assert "nextToken" not in second
