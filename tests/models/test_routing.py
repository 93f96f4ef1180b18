"""Each tier reaches its own model over the wire, tokens stream as they arrive, ids stay intact."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from community_bot.models.gateway import discard_tokens
from community_bot.types import Tier
from tests.emulators.bedrock_runtime import BedrockEmulator, answer
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator
from tests.models.conftest import MakeGateway

QUESTION = [SystemMessage("You help the community."), HumanMessage("How do I install it?")]


@pytest.mark.parametrize(
    ("tier", "bedrock_models", "ollama_models"),
    [
        ("small", [], [OLLAMA_MODEL]),
        ("medium", ["amazon.nova-lite-v1:0"], []),
        ("large", ["amazon.nova-pro-v1:0"], []),
    ],
)
async def test_each_tier_is_sent_to_its_model(
    make_gateway: MakeGateway,
    bedrock: BedrockEmulator,
    ollama: OllamaEmulator,
    tier: Tier,
    bedrock_models: list[str],
    ollama_models: list[str],
) -> None:
    gateway = make_gateway()

    result = await gateway.generate(tier, QUESTION, lambda _: None)

    assert bedrock.model_ids() == bedrock_models
    assert ollama.model_names() == ollama_models
    assert result.tier == tier
    assert result.model == gateway.model_for(tier)
    assert result.attempts == []
    assert not result.cut


async def test_tokens_reach_on_token_as_they_stream(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script("amazon.nova-pro-v1:0", answer("Run pip install community-bot now."))
    tokens: list[str] = []

    result = await make_gateway().generate("large", QUESTION, tokens.append)

    assert tokens == ["Run ", "pip ", "install ", "community-bot ", "now."]
    assert result.text == "Run pip install community-bot now."
    assert result.stop_reason == "end_turn"
    assert bedrock.model_ids() == ["amazon.nova-pro-v1:0"]
    assert bedrock.requests[0].operation == "converse-stream"


async def test_ollama_answers_stream_token_by_token(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    tokens: list[str] = []

    result = await make_gateway().generate("small", QUESTION, tokens.append)

    assert tokens == ["Answer ", "from ", f"{OLLAMA_MODEL}."]
    assert result.model == f"ollama/{OLLAMA_MODEL}"
    assert result.stop_reason == "stop"
    assert ollama.requests[0].body["stream"] is True


async def test_nova_settings_become_the_inference_configuration(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    gateway = make_gateway(nova_temperature=0.2, nova_max_tokens=321, nova_top_p=0.5)

    await gateway.generate("large", QUESTION, lambda _: None)

    body = bedrock.requests[0].body
    assert body["inferenceConfig"] == {"temperature": 0.2, "maxTokens": 321, "topP": 0.5}
    assert body["system"] == [{"text": "You help the community."}]
    assert body["messages"] == [{"role": "user", "content": [{"text": "How do I install it?"}]}]


@pytest.mark.parametrize(
    "profile_id",
    ["us.amazon.nova-pro-v1:0", "eu.amazon.nova-pro-v1:0", "apac.amazon.nova-pro-v1:0"],
)
async def test_cross_region_inference_profile_ids_reach_bedrock_url_encoded(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, profile_id: str
) -> None:
    bedrock.script(profile_id, answer("ok", input_tokens=1_000_000, output_tokens=0))

    result = await make_gateway(model_large=profile_id).generate("large", QUESTION, lambda _: None)

    request = bedrock.requests[0]
    assert request.model_id == profile_id
    assert request.raw_path == f"/model/{profile_id.replace(':', '%3A')}/converse-stream"
    assert result.model == profile_id
    assert result.cost_usd == pytest.approx(0.80)  # priced as Nova Pro


async def test_a_bedrock_model_can_serve_the_small_tier(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    gateway = make_gateway(model_small="amazon.nova-micro-v1:0")

    result = await gateway.generate("small", QUESTION, lambda _: None)

    assert result.model == "amazon.nova-micro-v1:0"
    assert bedrock.model_ids() == ["amazon.nova-micro-v1:0"]
    assert ollama.model_names() == []


async def test_a_failing_token_sink_is_a_caller_bug_not_a_provider_failure(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    def broken_sink(token: str) -> None:
        raise RuntimeError("sink broke")

    with pytest.raises(RuntimeError, match="sink broke"):
        await make_gateway().generate("large", QUESTION, broken_sink)
    assert bedrock.model_ids() == ["amazon.nova-pro-v1:0"]


async def test_a_caller_that_reads_no_tokens_gets_the_answer_in_one_request_without_streaming(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(
        "amazon.nova-pro-v1:0",
        answer("A running summary.", input_tokens=120, output_tokens=4),
    )

    result = await make_gateway().generate("large", QUESTION, discard_tokens)

    assert [r.operation for r in bedrock.requests] == ["converse"]
    assert result.text == "A running summary."
    assert result.stop_reason == "end_turn"
    assert (result.input_tokens, result.output_tokens) == (120, 4)
    assert result.attempts == [] and not result.cut


async def test_ollama_answers_a_caller_that_reads_no_tokens(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    result = await make_gateway().generate("small", QUESTION, discard_tokens)

    assert result.text == f"Answer from {OLLAMA_MODEL}."
    assert result.stop_reason == "stop"
    assert result.attempts == [] and not result.cut
