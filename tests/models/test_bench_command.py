"""`community-bot bench` times the configured models over the wire and checks the quality gates.

The real CLI, app and clients talk to the Bedrock and Ollama emulators; the emulators' scripted
delays give the measurements a known floor, so the tests check the timing is taken where it
should be, never how fast anything is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import main
from tests.emulators.bedrock_runtime import BedrockEmulator, answer, fail
from tests.emulators.ollama import OLLAMA_MODEL, OllamaEmulator
from tests.emulators.ollama import answer as ollama_answer

NOVA_LITE = "amazon.nova-lite-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
FIRST_TOKEN_DELAY_S = 0.05


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ollama: OllamaEmulator) -> Path:
    """A clean working directory (no .env), data under it, Ollama pointed at the emulator."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OLLAMA_BASE_URL", ollama.url)
    monkeypatch.setenv("OLLAMA_MODEL", OLLAMA_MODEL)
    monkeypatch.setenv("MODEL_MAX_RETRIES", "0")
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "# comments and blank lines are skipped\nHow do I install it?\n\nWhat is a tier?\n"
        "How do I reset a channel?\n",
        encoding="utf-8",
    )
    return questions


def bench(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(["bench", *argv])
    captured = capsys.readouterr()
    output = json.loads(captured.out) if "--json" in argv and captured.out else captured.out
    return code, output, captured.err


def test_bedrock_answers_are_timed_from_question_to_first_token_and_full_reply(
    environment: Path, bedrock: BedrockEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    bedrock.script(
        NOVA_LITE,
        answer(
            "Run pip install community-bot, then community-bot chat.",
            first_token_delay_s=FIRST_TOKEN_DELAY_S,
            token_delay_s=0.005,
        ),
    )
    code, result, _ = bench(capsys, "--questions", str(environment), "--tier", "medium", "--json")

    assert code == 0
    answers = result["answers"]
    assert [a["question"] for a in answers] == [
        "How do I install it?",
        "What is a tier?",
        "How do I reset a channel?",
    ]
    assert bedrock.model_ids("converse-stream") == [NOVA_LITE] * 3
    for a in answers:
        assert a["model"] == NOVA_LITE and a["outcome"] == "ok"
        assert FIRST_TOKEN_DELAY_S <= a["first_token_s"] <= a["response_s"]
        assert a["output_tokens"] > 0 and a["tokens_per_s"] > 0 and a["cost_usd"] > 0
    assert result["response_time"]["min_s"] >= FIRST_TOKEN_DELAY_S
    assert [g["passed"] for g in result["gates"]] == [True, True, True]


def test_ollama_pinned_by_mode_answers_every_question_for_free(
    environment: Path,
    bedrock: BedrockEmulator,
    ollama: OllamaEmulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ollama.script(
        OLLAMA_MODEL, ollama_answer("Use /reset in the channel.", first_token_delay_s=0.02)
    )
    code, output, _ = bench(
        capsys, "--questions", str(environment), "--mode", "ollama", "--repeat", "2"
    )

    assert code == 0
    assert ollama.model_names() == [OLLAMA_MODEL] * 6
    assert bedrock.model_ids() == []
    assert output.count(f"| ollama/{OLLAMA_MODEL} |") == 6
    assert "| Response time < 5 s avg |" in output
    assert "| Daily cost < $2 | $0.00 at 500 answers/day | pass |" in output


def test_a_question_no_model_could_answer_counts_as_an_error_and_fails_the_gate(
    environment: Path,
    bedrock: BedrockEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("OLLAMA_MODEL")  # no fallback behind Nova Pro
    bedrock.script(NOVA_PRO, fail("ValidationException", times=1), answer("Fine."))
    code, result, _ = bench(capsys, "--questions", str(environment), "--mode", "nova", "--json")

    assert code == 1
    assert [a["outcome"] for a in result["answers"]] == ["retrieval_only", "ok", "ok"]
    assert result["error_rate_pct"] == pytest.approx(100 / 3)
    gates = {g["gate"]: g["passed"] for g in result["gates"]}
    assert gates == {
        "Response time < 5 s avg": True,
        "Error rate < 1%": False,
        "Daily cost < $2": True,
    }


def test_with_no_usable_model_it_says_what_to_configure_and_exits_2(
    environment: Path,
    aws_isolated: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("OLLAMA_MODEL")
    code, output, err = bench(capsys, "--questions", str(environment))

    assert code == 2
    assert output == ""
    assert "nothing to benchmark" in err
    assert "OLLAMA_MODEL" in err and "AWS_REGION" in err


def test_an_empty_questions_file_is_reported_by_name(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = environment.with_name("empty.txt")
    empty.write_text("# nothing here\n\n", encoding="utf-8")
    code, _, err = bench(capsys, "--questions", str(empty))

    assert code == 2
    assert f"no questions in {empty}" in err


def test_help_lists_the_options_the_gates_and_the_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bench", "--help"])
    text = capsys.readouterr().out

    assert exited.value.code == 0
    for option in ("--questions", "--tier", "--mode", "--repeat", "--per-day", "--json"):
        assert option in text
    assert "response time < 5 s avg" in text
    assert "environment variables" in text and "OLLAMA_MODEL" in text and "NOVA_MODEL_ID" in text
