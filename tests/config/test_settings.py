"""Settings: every bad or missing variable gets its own clear error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.errors import ConfigError, PromptProfileError
from community_bot.settings import load_settings
from prompts.loader import load_profile


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("NOVA_TEMPERATURE", "3", "less than or equal to 1"),
        ("NOVA_TOP_P", "0", "greater than 0"),
        ("NOVA_MAX_TOKENS", "lots", "valid integer"),
        ("MAX_RESPONSE_CHARS", "2500", "less than or equal to 2000"),
        ("MEMORY_MAX_MESSAGES", "1", "greater than or equal to 2"),
        ("DISCORD_CHANNEL_ID", "general", "valid integer"),
        ("DISCORD_CHANNEL_IDS", "1,two", "valid integer"),
        ("BACKEND_MODE", "gpt", "'auto', 'nova', 'ollama', 'retrieval', 'agentcore' or 'remote'"),
        ("EMBEDDINGS", "openai", "'local', 'bedrock', 'ollama' or 'none'"),
        ("LOG_LEVEL", "LOUD", "'DEBUG', 'INFO'"),
        ("PROMPT_USER_ROLE", "assistant", "must be `user` or `system`"),
        ("DISCORD_CHANNEL_PROFILES", "123", "KEY=VALUE"),
        ("SOURCE_AGENTS_ENABLED", "maybe", "valid boolean"),
        ("SOURCE_AGENTS_INTERVAL", "5", "greater than or equal to 60"),
        ("DAILY_BUDGET_USD", "-1", "greater than 0"),
    ],
)
def test_each_bad_variable_is_named_with_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, complaint: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert len(raised.value.problems) == 1
    problem = raised.value.problems[0]
    assert problem.startswith(f"{variable}: ")
    assert complaint in problem


def test_several_bad_variables_are_reported_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOVA_TEMPERATURE", "9")
    monkeypatch.setenv("MEMORY_MAX_MESSAGES", "0")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert {p.split(":")[0] for p in raised.value.problems} == {
        "NOVA_TEMPERATURE",
        "MEMORY_MAX_MESSAGES",
    }


def test_pinning_ollama_without_a_model_names_ollama_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BACKEND_MODE", "ollama")
    with pytest.raises(ConfigError, match="OLLAMA_MODEL is required when BACKEND_MODE=ollama"):
        load_settings()


def test_the_token_is_secret_and_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "super-secret-token")
    settings = load_settings()
    assert "super-secret-token" not in repr(settings)
    assert settings.discord_bot_token is not None
    assert settings.discord_bot_token.get_secret_value() == "super-secret-token"


def test_old_variable_names_keep_working(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "DISCORD_CHANNEL_ID": "42",
        "DISCORD_CHANNEL_IDS": "7, 8",
        "BACKEND_MODE": "AgentCore",
        "AWS_REGION": "eu-west-1",
        "NOVA_MODEL_ID": "eu.amazon.nova-pro-v1:0",
        "KNOWLEDGE_BASE_ID": "KBAAAAAAA1,KBAAAAAAA2",
        "PROMPT_PROFILE": "support",
        "LOG_LEVEL": "debug",
        "SOURCE_AGENTS_ENABLED": "true",
        "DISCORD_CHANNEL_PROFILES": "42=support",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.answer_channel_ids == {42, 7, 8}
    assert settings.backend_mode == "auto"  # AgentCore's Bedrock+Ollama mix is now routing
    assert settings.aws_region == "eu-west-1"
    assert settings.knowledge_base_id == ["KBAAAAAAA1", "KBAAAAAAA2"]
    assert settings.log_level == "DEBUG"
    assert settings.source_agents_enabled is True
    assert settings.discord_channel_profiles == {"42": "support"}


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MAX_RESPONSE_CHARS=1500\n")
    assert load_settings().max_response_chars == 1500


def test_missing_prompt_profile_names_the_variables(tmp_path: Path) -> None:
    with pytest.raises(PromptProfileError) as raised:
        load_profile(Path(__file__).parents[2] / "prompts", "nope")
    message = str(raised.value)
    assert "PROMPT_PROFILE='nope'" in message
    assert "PROMPT_ROOT=" in message
    assert "default" in message and "support" in message  # lists what exists


def test_profile_reads_system_primer_and_extras(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "system.md").write_text("Be helpful.")
    (folder / "user.md").write_text("Context: a Rust community.")
    (folder / "house_rules.md").write_text("No spoilers.")
    profile = load_profile(tmp_path, "mine")
    assert profile.user_primer == "Context: a Rust community."
    assert profile.system_text() == "Be helpful.\n\n## House Rules\nNo spoilers."


def test_inline_system_prompt_overrides_the_profile() -> None:
    profile = load_profile(Path(__file__).parents[2] / "prompts", "default", "Only say hi.")
    assert profile.system_text().startswith("Only say hi.")


def test_each_subsystem_group_is_a_typed_view_of_the_same_validated_values() -> None:
    from community_bot.settings import GROUPS, DiscordSettings, MemorySettings

    settings = load_settings(discord_channel_ids="1,2", data_dir="/tmp/somewhere")
    assert isinstance(settings.discord, DiscordSettings)
    assert settings.discord.answer_channel_ids == frozenset({1, 2})
    assert isinstance(settings.memory, MemorySettings)
    assert str(settings.memory.checkpoint_path) == "/tmp/somewhere/memory.sqlite"
    grouped = [name for group in GROUPS for name in group.model_fields]
    assert sorted(grouped) == sorted(type(settings).model_fields)  # every field in one group
    assert len(grouped) == len(set(grouped))
