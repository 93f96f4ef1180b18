"""What each turn leaves behind: one INFO line without message content, and Prometheus metrics
scraped over HTTP. Real graph and real gateway, with Bedrock emulated over the wire."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from community_bot.errors import ConfigError
from community_bot.models import RoutedGateway
from community_bot.settings import Settings
from community_bot.turns import Author
from nodes.services import Services
from runtime.app import open_app
from tests.emulators.bedrock_runtime import NOVA_LITE as LITE
from tests.emulators.bedrock_runtime import NOVA_PRO as PRO
from tests.emulators.bedrock_runtime import BedrockEmulator, answer, fail
from tests.fakes import FixedKnowledge, length_router
from tests.graph.conftest import OpenApp
from tests.observability.conftest import scrape, value

ALICE = Author(id="4242", name="Alice")
QUESTION = "How do I install the plugh-question on my Mac?"
LONG_QUESTION = "Why does the build fail on Windows? " + "It prints a long xyzzy error. " * 8
ANSWER = "Use the frobnicate-answer installer."


@pytest.fixture
def gateway(nova_gateway: RoutedGateway) -> RoutedGateway:
    return nova_gateway  # the app's model gateway in this module


async def test_each_turn_logs_one_info_line_with_its_accounting_and_no_content(
    conversation_app: OpenApp,
    bedrock: BedrockEmulator,
    configure: Callable[[Settings], list[logging.Handler]],
    make_settings: Callable[..., Settings],
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "bot.log"
    configure(make_settings(log_level="INFO", log_file=log_file))
    bedrock.script(LITE, answer(ANSWER, input_tokens=1200, output_tokens=80))

    async with conversation_app() as app:
        await app.conversation.ask("discord:77", QUESTION, ALICE)

    text = log_file.read_text()
    turn_lines = [line for line in text.splitlines() if " community_bot.turn: " in line]
    assert len(turn_lines) == 1
    fields = dict(re.findall(r"(\w+)=(\S+)", turn_lines[0].split("community_bot.turn: turn ")[1]))
    assert fields["channel"] == "discord:77"
    assert fields["author"] == "4242"
    assert fields["tier"] == "medium"
    assert fields["model"] == LITE
    assert fields["tokens"] == "1200/80"
    assert fields["cost"] == f"${1200 * 0.06e-6 + 80 * 0.24e-6:.6f}"
    assert re.fullmatch(r"\d+ms", fields["ttft"])
    assert re.fullmatch(r"\d+ms", fields["latency"])
    assert re.fullmatch(r"\d+ms", fields["total"])
    assert fields["kb"] == "hit"
    assert fields["outcome"] == "ok"
    assert fields["failed_attempts"] == "0"
    for content in ("plugh-question", "frobnicate-answer", "Alice"):
        assert content not in text


async def test_metrics_endpoint_counts_turns_tokens_cost_fallbacks_kb_and_votes(
    conversation_app: OpenApp, bedrock: BedrockEmulator, knowledge: FixedKnowledge
) -> None:
    bedrock.script(LITE, answer("Homebrew.", input_tokens=1000, output_tokens=100))
    async with conversation_app(metrics_port=0) as app:
        server = app.telemetry.metrics_server
        assert server is not None
        before = scrape(server.port)

        first = await app.conversation.ask("discord:1", QUESTION, ALICE)
        bedrock.script(PRO, fail("ThrottlingException"))
        bedrock.script(LITE, answer("Path too long.", input_tokens=2000, output_tokens=200))
        knowledge.passages = []
        second = await app.conversation.ask("discord:1", LONG_QUESTION, ALICE)
        await app.record_feedback(thread_id="discord:1", run_id=first.run_id, user_id="9", score=1)
        await app.record_feedback(
            thread_id="discord:1", run_id=second.run_id, user_id="9", score=-1
        )
        after = scrape(server.port)

    assert value(before, "community_bot_turns_total") == 0
    assert value(after, "community_bot_turns_total", tier="medium", model=LITE, outcome="ok") == 1
    assert value(after, "community_bot_turns_total", model=LITE, outcome="fallback") == 1
    assert value(after, "community_bot_tokens_total", model=LITE, direction="input") == 3000
    assert value(after, "community_bot_tokens_total", model=LITE, direction="output") == 300
    assert value(after, "community_bot_cost_usd_total", model=LITE) == pytest.approx(
        3000 * 0.06e-6 + 300 * 0.24e-6
    )
    throttled = {"model": PRO, "kind": "ThrottlingException (429)"}
    assert value(after, "community_bot_model_failures_total", **throttled) == 3
    assert value(after, "community_bot_fallbacks_total", answered_by=LITE) == 1
    assert value(after, "community_bot_kb_searches_total", result="hit") == 1
    assert value(after, "community_bot_kb_searches_total", result="miss") == 1
    assert value(after, "community_bot_time_to_first_token_seconds_count", model=LITE) == 2
    assert value(after, "community_bot_model_latency_seconds_count", model=LITE) == 2
    assert value(after, "community_bot_turn_duration_seconds_count") == 2
    assert value(after, "community_bot_feedback_total", vote="up", model=LITE) == 1
    assert value(after, "community_bot_feedback_total", vote="down", model=LITE) == 1


async def test_metrics_endpoint_stops_with_the_app(conversation_app: OpenApp) -> None:
    async with conversation_app(metrics_port=0) as app:
        server = app.telemetry.metrics_server
        assert server is not None
        port = server.port
        assert scrape(port)
    with pytest.raises(OSError):
        scrape(port)


async def test_two_apps_count_separately(
    conversation_app: OpenApp, bedrock: BedrockEmulator
) -> None:
    async with conversation_app(metrics_port=0) as one, conversation_app(metrics_port=0) as two:
        await one.conversation.ask("discord:1", QUESTION, ALICE)
        assert one.telemetry.metrics_server is not None
        assert two.telemetry.metrics_server is not None
        counted_one = value(scrape(one.telemetry.metrics_server.port), "community_bot_turns_total")
        counted_two = value(scrape(two.telemetry.metrics_server.port), "community_bot_turns_total")
    assert (counted_one, counted_two) == (1, 0)


async def test_terminal_commands_leave_the_metrics_port_to_the_bot(
    conversation_app: OpenApp,
    make_settings: Callable[..., Settings],
    gateway: RoutedGateway,
    knowledge: FixedKnowledge,
) -> None:
    async with conversation_app(metrics_port=0) as bot:
        assert bot.telemetry.metrics_server is not None
        settings = make_settings(metrics_port=bot.telemetry.metrics_server.port)
        services = Services(settings.memory, settings.prompts, knowledge, gateway, length_router)
        async with open_app(settings, services, background=False) as terminal:
            assert terminal.telemetry.metrics_server is None
            reply = await terminal.conversation.ask("terminal", QUESTION, ALICE)
    assert reply.turn is not None and reply.turn["model"] == LITE


async def test_metrics_port_in_use_is_a_configuration_error_naming_it(
    conversation_app: OpenApp,
) -> None:
    async with conversation_app(metrics_port=0) as app:
        assert app.telemetry.metrics_server is not None
        taken = app.telemetry.metrics_server.port
        with pytest.raises(ConfigError, match=f"METRICS_PORT: cannot listen on 127.0.0.1:{taken}"):
            async with conversation_app(metrics_port=taken):
                pass
