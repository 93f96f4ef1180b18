"""`community-bot config`: the effective settings with secrets masked, and a template that
cannot drift from the settings it documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.settings import Settings, render_env_example
from runtime.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_documents_every_setting_as_the_code_describes_it() -> None:
    committed = (ROOT / ".env.example").read_text()
    assert committed == render_env_example(), (
        "run `community-bot config env-example > .env.example`"
    )
    for name in Settings.model_fields:
        assert f"# {name.upper()}=" in committed


def test_config_show_masks_secrets_and_marks_what_was_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "super-secret-token-value")
    monkeypatch.setenv("NOVA_TEMPERATURE", "0.2")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "super-secret-token-value" not in out
    assert "* DISCORD_BOT_TOKEN=***" in out.splitlines()
    assert "* NOVA_TEMPERATURE=0.2" in out.splitlines()
    assert "  NOVA_TOP_P=0.9" in out.splitlines()


def test_config_show_fails_naming_a_bad_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAX_RESPONSE_CHARS", "5000")
    assert main(["config", "show"]) == 2
    assert "MAX_RESPONSE_CHARS" in capsys.readouterr().err
