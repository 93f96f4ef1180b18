"""Retiring models are named at start-up, from Bedrock's GetFoundationModel, over the wire.

The look-up runs once, in the background: a turn never waits for it (the emulator holds the
look-up until the turn is answered).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from community_bot.models.lifecycle import _client, check_lifecycles
from community_bot.settings import Settings
from community_bot.turns import Author
from runtime.app import open_app
from tests.emulators.bedrock_runtime import BedrockEmulator, Lifecycle

PREMIER_EOL = datetime(2026, 9, 14, tzinfo=UTC)
PREMIER_LEGACY = Lifecycle(
    "LEGACY",
    legacy_time=datetime(2026, 3, 13, tzinfo=UTC).timestamp(),
    end_of_life_time=PREMIER_EOL.timestamp(),
)
MakeSettings = Callable[..., Settings]


def bedrock_only(make_settings: MakeSettings, **overrides: Any) -> Settings:
    return make_settings(
        model_small="us.amazon.nova-micro-v1:0",
        model_medium="us.amazon.nova-lite-v1:0",
        model_large="us.amazon.nova-premier-v1:0",
        **overrides,
    )


def test_a_legacy_model_is_named_with_its_variable_and_end_of_life(
    bedrock: BedrockEmulator, make_settings: MakeSettings
) -> None:
    bedrock.set_lifecycle("amazon.nova-premier-v1:0", PREMIER_LEGACY)
    settings = bedrock_only(make_settings)
    warnings = check_lifecycles(settings.models, _client(settings.models), today=date(2026, 6, 1))
    assert [w.message() for w in warnings] == [
        "MODEL_LARGE=us.amazon.nova-premier-v1:0: LEGACY on Bedrock, end of life 2026-09-14 —"
        " calls will fail after its end of life; choose an Active model (see docs/models.md)"
    ]
    # Inference profiles are looked up by the foundation model behind them, each once.
    assert sorted(bedrock.model_lookups) == [
        "amazon.nova-lite-v1:0",
        "amazon.nova-micro-v1:0",
        "amazon.nova-premier-v1:0",
    ]


def test_past_its_end_of_life_the_warning_says_calls_fail(
    bedrock: BedrockEmulator, make_settings: MakeSettings
) -> None:
    bedrock.set_lifecycle("amazon.nova-premier-v1:0", PREMIER_LEGACY)
    settings = make_settings(backend_mode="nova", nova_model_id="amazon.nova-premier-v1:0")
    (warning,) = check_lifecycles(
        settings.models, _client(settings.models), today=date(2026, 11, 30)
    )
    assert warning.past_end_of_life
    assert warning.message().startswith(
        "NOVA_MODEL_ID=amazon.nova-premier-v1:0: past its end of life (2026-09-14) on Bedrock"
        " — calls to it fail"
    )


def test_a_model_shared_by_two_tiers_is_looked_up_once_and_active_ones_say_nothing(
    bedrock: BedrockEmulator, make_settings: MakeSettings
) -> None:
    settings = make_settings(model_small="amazon.nova-lite-v1:0")
    assert check_lifecycles(settings.models, _client(settings.models)) == []
    assert sorted(bedrock.model_lookups) == ["amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"]


def test_a_model_the_control_plane_does_not_know_is_skipped_with_a_note(
    bedrock: BedrockEmulator, make_settings: MakeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(model_large="anthropic.claude-sonnet-9-v1:0")
    assert check_lifecycles(settings.models, _client(settings.models)) == []
    assert any(
        "could not check the lifecycle of anthropic" in r.getMessage() for r in caplog.records
    )


async def test_the_check_runs_beside_the_bot_and_never_holds_up_a_turn(
    bedrock: BedrockEmulator, make_settings: MakeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    bedrock.set_lifecycle("amazon.nova-premier-v1:0", PREMIER_LEGACY)
    gate = threading.Event()
    bedrock.lookup_gate = gate
    settings = bedrock_only(make_settings, local_kb_enabled=False)
    try:
        async with open_app(settings, background=False) as app:
            reply = await app.conversation.ask("t", "thanks!", Author(id="u", name="u"))
            assert reply.text.startswith("Answer from us.amazon.nova-")
            assert app.lifecycle_check is not None and not app.lifecycle_check.done()
            gate.set()
            warnings = await app.lifecycle_check
    finally:
        gate.set()
    assert [w.model_id for w in warnings] == ["us.amazon.nova-premier-v1:0"]
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum(m.startswith("MODEL_LARGE=us.amazon.nova-premier-v1:0: ") for m in logged) == 1
