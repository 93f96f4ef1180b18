"""The settings of the modes beyond one machine: each mistake named by its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.errors import ConfigError
from community_bot.settings import load_settings
from tests.kb_wiring import agents_in_background


def test_remote_mode_needs_a_langgraph_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LANGGRAPH_URL is required when BACKEND_MODE=remote"):
        load_settings(data_dir=tmp_path, backend_mode="remote", _env_file=None)


def test_a_database_url_must_be_postgresql_and_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(data_dir=tmp_path, database_url="mysql://u:hunter2@db/x", _env_file=None)
    assert "DATABASE_URL: must be a postgresql://" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_an_empty_database_url_means_the_embedded_default(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path, database_url="", _env_file=None).database_url is None


def test_agentcore_with_an_arn_runs_turns_on_agentcore(tmp_path: Path) -> None:
    arn = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/bot-AbCdEf1234"
    settings = load_settings(
        data_dir=tmp_path, backend_mode="AgentCore", agentcore_runtime_arn=arn, _env_file=None
    )
    assert settings.backend_mode == "agentcore"


async def test_a_host_without_shard_zero_is_told_to_keep_its_own_index_current(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        database_url="postgresql://bot@db/bot",
        source_agents_enabled=True,
        discord_shard_count=2,
        discord_shard_ids="1",
        _env_file=None,
    )
    assert await agents_in_background(settings, None) is None
    assert "kb sync --once" in caplog.text
