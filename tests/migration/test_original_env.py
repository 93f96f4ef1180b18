"""Done when: the original bot's `.env.example` values, verbatim, run the bot as it ran before.

Every question, even "thanks!", is answered by Bedrock with the configured `us.` inference
profile (LLM_PROVIDER=bedrock: no Ollama expected, never a docs-only answer), the old prompt
files are in the system prompt, and start-up names each old variable it ignores.
"""

from __future__ import annotations

import logging

import pytest

from community_bot.settings import load_settings
from community_bot.turns import Author
from runtime.app import open_app
from runtime.cli import main
from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator, chunk
from tests.emulators.bedrock_runtime import BedrockEmulator

IGNORED = ("AGENT_ID", "AGENT_ALIAS_ID", "AGENTCORE_MODE")
MEMBER = Author(id="discord:1", name="sam")
QUESTIONS = (
    "thanks!",
    "What is Python?",
    "My SNES shows a black screen after I recapped it. Walk me through diagnosing the power"
    " rail, the CIC chip and the video encoder, and explain how to compare each against a"
    " known-good console step by step.",
)


async def test_original_env_answers_every_question_with_bedrock_and_the_old_prompts(
    old_bot_folder: object,
    aws: tuple[BedrockEmulator, KnowledgeBaseEmulator],
    caplog: pytest.LogCaptureFixture,
) -> None:
    bedrock, kb = aws
    kb.add("KBORIGINL1", chunk("Recap the SNES with 105 °C capacitors.", "s3://kb/snes.md"))
    caplog.set_level(logging.INFO)
    settings = load_settings()
    async with open_app(settings, background=False) as app:
        replies = [
            await app.conversation.ask(f"discord:{n}", question, MEMBER)
            for n, question in enumerate(QUESTIONS)
        ]
    assert len(bedrock.requests) == len(QUESTIONS)
    for reply, request in zip(replies, bedrock.requests, strict=True):
        assert request.model_id.startswith("us.amazon.nova-")
        assert reply.text.startswith(f"Answer from {request.model_id}")
        system = " ".join(block.get("text", "") for block in request.body["system"])
        assert "You are Pixel, the helper of the Retro Consoles Discord" in system
        assert "Never share ROM download links." in system
    assert bedrock.requests[-1].model_id == "us.amazon.nova-pro-v1:0"  # BEDROCK_MODEL_ID
    assert {r.model_id for r in bedrock.requests[:2]} <= {
        "us.amazon.nova-micro-v1:0",
        "us.amazon.nova-lite-v1:0",
    }
    assert kb.requests, "the KB named in KB_DIRECT_ENDPOINT was searched"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for name in IGNORED:
        assert sum(f"ignored: {name} —" in line for line in warnings) == 1, name
    assert not any("ollama" in line.lower() for line in warnings)


def test_config_show_lists_what_became_of_each_old_variable(
    old_bot_folder: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "* MODEL_LARGE=us.amazon.nova-pro-v1:0" in out
    assert "* DISCORD_THREAD_MODE=True" in out
    assert "* NOVA_TEMPERATURE=0.3" in out  # BEDROCK_TEMPERATURE, what agentcore mode read
    for name in IGNORED:
        assert f"ignored: {name} — " in out
        assert "instead" in out.split(f"ignored: {name} — ", 1)[1].splitlines()[0]
