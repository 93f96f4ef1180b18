"""Failures end in the documented fallback with the documented number of attempts.

With MODEL_MAX_RETRIES=2 a model gets three attempts for throttling, 5xx, timeouts and broken
connections, and exactly one for request errors (400, 403, 404). After tokens have been sent the
partial answer is kept and marked cut instead of falling back.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from tests.emulators.bedrock_runtime import BedrockEmulator, answer, cut, drop, fail
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator, refused_url
from tests.emulators.ollama import cut as ollama_cut
from tests.emulators.ollama import fail as ollama_fail
from tests.models.conftest import MakeGateway

PRO, LITE = "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0"
OLLAMA = f"ollama/{OLLAMA_MODEL}"
QUESTION = [HumanMessage("Why does the build fail on Windows?")]


async def test_throttled_large_model_falls_back_to_medium(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, fail("ThrottlingException"))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, PRO, PRO, LITE]
    assert result.model == LITE
    assert result.tier == "medium"
    assert result.text == f"Answer from {LITE}."
    assert (
        result.attempts == [f"{PRO}: ThrottlingException (429): Emulated ThrottlingException"] * 3
    )


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("ServiceUnavailableException", 503),
        ("ModelTimeoutException", 408),
        ("InternalServerException", 500),
        ("ModelNotReadyException", 429),
    ],
)
async def test_transient_bedrock_errors_are_retried_then_fall_back(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, error: str, status: int
) -> None:
    bedrock.script(PRO, fail(error))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, PRO, PRO, LITE]
    assert result.model == LITE
    assert len(result.attempts) == 3
    assert all(a.startswith(f"{PRO}: {error} ({status})") for a in result.attempts)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("ValidationException", 400),
        ("AccessDeniedException", 403),
        ("ResourceNotFoundException", 404),
    ],
)
async def test_request_errors_move_to_the_next_model_without_retrying(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, error: str, status: int
) -> None:
    bedrock.script(PRO, fail(error))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, LITE]
    assert result.model == LITE
    assert result.attempts == [f"{PRO}: {error} ({status}): Emulated {error}"]


async def test_a_model_that_recovers_within_the_retries_answers_itself(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, fail("ThrottlingException", times=2), answer("Finally."))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, PRO, PRO]
    assert (result.model, result.text) == (PRO, "Finally.")
    assert len(result.attempts) == 2


async def test_zero_retries_means_one_request_per_model(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, fail("ThrottlingException"))

    result = await make_gateway(model_max_retries=0).generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, LITE]  # botocore adds no retries of its own
    assert result.model == LITE


async def test_bedrock_down_for_every_tier_ends_on_ollama(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    bedrock.script(PRO, fail("AccessDeniedException"))
    bedrock.script(LITE, fail("AccessDeniedException"))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, LITE]
    assert ollama.model_names() == [OLLAMA_MODEL]
    assert (result.model, result.tier) == (OLLAMA, "small")
    assert [a.split(":")[0] for a in result.attempts] == [
        "amazon.nova-pro-v1",
        "amazon.nova-lite-v1",
    ]


async def test_missing_ollama_model_is_not_retried_and_escalates(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    gateway = make_gateway(ollama_model="mistral:7b")

    result = await gateway.generate("small", QUESTION, lambda _: None)

    assert ollama.model_names() == ["mistral:7b"]
    assert (result.model, result.tier) == (LITE, "medium")  # a bigger model, not the docs alone
    assert result.attempts == [
        'ollama/mistral:7b: not found (404): model "mistral:7b" not found, try pulling it first'
    ]


async def test_ollama_server_errors_are_retried(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    ollama.script(OLLAMA_MODEL, ollama_fail(500, times=1), ollama_fail(503, times=1))

    result = await make_gateway().generate("small", QUESTION, lambda _: None)

    assert ollama.model_names() == [OLLAMA_MODEL] * 3
    assert result.model == OLLAMA
    assert len(result.attempts) == 2


async def test_refused_ollama_connection_is_retried_then_escalates_to_bedrock(
    make_gateway: MakeGateway,
) -> None:
    with refused_url() as url:
        gateway = make_gateway(ollama_base_url=url)
        result = await gateway.generate("small", QUESTION, lambda _: None)

    assert (result.model, result.tier) == (LITE, "medium")
    assert result.attempts == [f"{OLLAMA}: connection refused"] * 3
    assert result.note is None  # a bigger model answered: nothing worse to tell the user
    assert gateway.health["ollama"].state == "open"  # the next turns skip it for a cool-down


async def test_refused_ollama_connection_alone_answers_from_retrieval(
    make_gateway: MakeGateway,
) -> None:
    with refused_url() as url:
        gateway = make_gateway(ollama_base_url=url, backend_mode="ollama")
        result = await gateway.generate("small", QUESTION, lambda _: None)

    assert result.model is None
    assert result.text == ""
    assert result.attempts == [f"{OLLAMA}: connection refused"] * 3
    assert result.note == f"{OLLAMA} unreachable"


async def test_every_model_failing_returns_no_model(
    make_gateway: MakeGateway, bedrock: BedrockEmulator, ollama: OllamaEmulator
) -> None:
    bedrock.script(PRO, fail("ValidationException"))
    bedrock.script(LITE, fail("ValidationException"))
    ollama.script(OLLAMA_MODEL, ollama_fail(500))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert result.model is None
    assert result.tier is None
    assert len(result.attempts) == 1 + 1 + 3
    assert result.latency_ms > 0


async def test_stream_cut_midway_keeps_partial_text_and_does_not_fall_back(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, cut("First step: open the settings page.", after=3))
    tokens: list[str] = []

    result = await make_gateway().generate("large", QUESTION, tokens.append)

    assert tokens == ["First ", "step: ", "open "]
    assert result.text == "First step: open "
    assert result.cut is True
    assert result.model == PRO
    assert bedrock.model_ids() == [PRO]
    assert result.attempts == [f"{PRO}: ModelStreamErrorException: stream broke"]
    assert result.output_tokens > 0  # estimated: the broken stream carried no usage


async def test_throttled_mid_stream_is_a_cut_too(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, cut("one two three", after=1, error="ThrottlingException"))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert (result.text, result.cut, bedrock.model_ids()) == ("one ", True, [PRO])


async def test_connection_dropped_mid_stream_is_a_cut(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, drop("one two three", after=2))

    result = await make_gateway().generate("large", QUESTION, lambda _: None)

    assert (result.text, result.cut, bedrock.model_ids()) == ("one two ", True, [PRO])


async def test_ollama_error_mid_stream_is_a_cut(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    ollama.script(OLLAMA_MODEL, ollama_cut("alpha beta gamma", after=2))

    result = await make_gateway().generate("small", QUESTION, lambda _: None)

    assert (result.text, result.cut, result.model) == ("alpha beta ", True, OLLAMA)
    assert ollama.model_names() == [OLLAMA_MODEL]


async def test_ollama_hanging_up_mid_stream_is_a_cut(
    make_gateway: MakeGateway, ollama: OllamaEmulator
) -> None:
    ollama.script(OLLAMA_MODEL, ollama_cut("alpha beta gamma", after=1, error_line=False))

    result = await make_gateway().generate("small", QUESTION, lambda _: None)

    assert (result.text, result.cut) == ("alpha ", True)


async def test_a_stream_that_breaks_before_any_token_is_retried(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, cut("never sent", after=0, times=1), answer("Second try."))
    tokens: list[str] = []

    result = await make_gateway().generate("large", QUESTION, tokens.append)

    assert bedrock.model_ids() == [PRO, PRO]
    assert (result.text, result.cut) == ("Second try.", False)
    assert tokens == ["Second ", "try."]


async def test_read_timeout_is_retried_then_falls_back(
    make_gateway: MakeGateway, bedrock: BedrockEmulator
) -> None:
    bedrock.script(PRO, answer("too late", first_token_delay_s=1.0))

    gateway = make_gateway(model_timeout_seconds=0.2, model_max_retries=1)
    result = await gateway.generate("large", QUESTION, lambda _: None)

    assert bedrock.model_ids() == [PRO, PRO, LITE]
    assert result.model == LITE
    assert result.attempts == [f"{PRO}: timed out waiting for the model"] * 2
