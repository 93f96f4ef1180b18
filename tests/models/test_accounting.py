"""Tokens, latency and cost of each answer, from what the providers report over the wire."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from community_bot.models import PriceTable
from community_bot.settings import Settings
from tests.emulators.bedrock_runtime import BedrockEmulator, answer, fail
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator
from tests.emulators.ollama import answer as ollama_answer
from tests.models.conftest import MakeGateway

PRO, LITE = "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0"
QUESTION = [HumanMessage("Which Python versions are supported?")]


async def test_bedrock_usage_and_cost_come_from_the_metadata_event(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, answer("3.11 and newer.", input_tokens=12_000, output_tokens=500))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert (result.input_tokens, result.output_tokens) == (12_000, 500)
    assert result.cost_usd == pytest.approx(12_000 * 0.80e-6 + 500 * 3.20e-6)


async def test_a_fallback_is_charged_at_the_price_of_the_model_that_answered(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, fail("ThrottlingException"))
    bedrock.script(LITE, answer("ok", input_tokens=1_000_000, output_tokens=1_000_000))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert result.model == LITE
    assert result.cost_usd == pytest.approx(0.06 + 0.24)


async def test_ollama_usage_comes_from_eval_counts_and_costs_nothing(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    ollama.script(OLLAMA_MODEL, ollama_answer("Yes.", prompt_eval_count=321, eval_count=7))

    result = await make_gateway().generate("small", QUESTION, lambda _: None)

    assert (result.input_tokens, result.output_tokens, result.cost_usd) == (321, 7, 0.0)


async def test_time_to_first_token_and_total_latency_are_measured(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, answer("a b c", first_token_delay_s=0.05, token_delay_s=0.02))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert result.ttft_ms is not None
    assert 50 <= result.ttft_ms < result.latency_ms
    assert result.latency_ms >= 50 + 2 * 20


async def test_no_answer_has_no_time_to_first_token(make_gateway: MakeGateway) -> None:
    result = await make_gateway(backend_mode="retrieval").generate("large", QUESTION, print)

    assert result.ttft_ms is None
    assert result.cost_usd == 0.0


@pytest.mark.parametrize(
    ("model_id", "per_million"),
    [
        ("amazon.nova-micro-v1:0", (0.035, 0.14)),
        ("amazon.nova-lite-v1:0", (0.06, 0.24)),
        ("us.amazon.nova-pro-v1:0", (0.80, 3.20)),
        ("eu.amazon.nova-lite-v1:0", (0.06, 0.24)),
        ("apac.amazon.nova-micro-v1:0", (0.035, 0.14)),
        ("us.amazon.nova-premier-v1:0", (2.50, 12.50)),
        ("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", (0.80, 3.20)),
        ("amazon.nova-pro-v9:0", (0.80, 3.20)),  # an unlisted version is priced by family
        ("ollama/llama3.2:3b", (0.0, 0.0)),
        ("us.amazon.nova-2-lite-v1:0", (0.33, 2.75)),  # geographic profile
        ("eu.amazon.nova-2-lite-v1:0", (0.33, 2.75)),
        ("global.amazon.nova-2-lite-v1:0", (0.30, 2.50)),  # global profile, cheaper
    ],
)
def test_prices_match_ids_with_region_prefixes(
    model_id: str, per_million: tuple[float, float]
) -> None:
    price = PriceTable().price(model_id, local=model_id.startswith("ollama/"))

    assert (price.input, price.output) == per_million


def test_model_prices_from_the_environment_override_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "MODEL_PRICES", '{"amazon.nova-pro-v1:0": [1.0, 5.0], "llama3.2:3b": [0.01, 0.02]}'
    )

    table = PriceTable(Settings(_env_file=None).model_prices)  # type: ignore[call-arg]

    assert table.cost("us.amazon.nova-pro-v1:0", 1_000_000, 1_000_000) == pytest.approx(6.0)
    assert table.cost("ollama/llama3.2:3b", 1_000_000, 0, local=True) == pytest.approx(0.01)
    assert table.cost("amazon.nova-lite-v1:0", 1_000_000, 0) == pytest.approx(0.06)
