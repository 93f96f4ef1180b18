"""The old bot's variables, one rule at a time: honoured with their old meaning, or named."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.legacy_env import translate
from community_bot.settings import load_settings
from runtime.cli import main
from tests.migration.conftest import ORIGINAL


def lines(raw: dict[str, str]) -> list[str]:
    return [note.line() for note in translate(raw).notes]


def test_bedrock_model_id_without_a_provider_is_the_model_of_the_tier_it_names() -> None:
    assert translate({"BEDROCK_MODEL_ID": "eu.amazon.nova-lite-v1:0"}).values == {
        "MODEL_MEDIUM": "eu.amazon.nova-lite-v1:0",
        "DISCORD_THREAD_MODE": "true",
    }
    assert translate({"BEDROCK_MODEL_ID": "apac.amazon.nova-micro-v1:0"}).values["MODEL_SMALL"] == (
        "apac.amazon.nova-micro-v1:0"
    )
    assert "MODEL_LARGE" in translate({"BEDROCK_MODEL_ID": "us.amazon.nova-pro-v1:0"}).values


def test_llm_provider_bedrock_puts_every_tier_on_bedrock_in_the_same_profile_family() -> None:
    values = translate({"LLM_PROVIDER": "bedrock", "BEDROCK_MODEL_ID": "eu.amazon.nova-pro-v1:0"})
    assert [values.values[f"MODEL_{t}"] for t in ("SMALL", "MEDIUM", "LARGE")] == [
        "eu.amazon.nova-micro-v1:0",
        "eu.amazon.nova-lite-v1:0",
        "eu.amazon.nova-pro-v1:0",
    ]


def test_a_global_profile_is_used_for_every_tier_since_its_siblings_may_not_exist() -> None:
    model = "global.amazon.nova-2-lite-v1:0"
    values = translate({"LLM_PROVIDER": "bedrock", "BEDROCK_MODEL_ID": model}).values
    assert {values[f"MODEL_{t}"] for t in ("SMALL", "MEDIUM", "LARGE")} == {model}


def test_tiers_above_a_cheap_bedrock_model_id_keep_that_model() -> None:
    values = translate({"LLM_PROVIDER": "bedrock", "BEDROCK_MODEL_ID": "us.amazon.nova-lite-v1:0"})
    assert values.values["MODEL_SMALL"] == "us.amazon.nova-micro-v1:0"
    assert values.values["MODEL_LARGE"] == "us.amazon.nova-lite-v1:0"


def test_llm_provider_ollama_answers_every_tier_with_ollama() -> None:
    values = translate({"LLM_PROVIDER": "ollama", "OLLAMA_MODEL": "llama3:8b"}).values
    assert {values[f"MODEL_{t}"] for t in ("SMALL", "MEDIUM", "LARGE")} == {"ollama"}
    assert "ignored: LLM_PROVIDER — `ollama` needs a model — set OLLAMA_MODEL" in lines(
        {"LLM_PROVIDER": "ollama"}
    )


def test_a_new_variable_set_explicitly_wins_and_the_old_one_is_named_ignored() -> None:
    raw = {"BEDROCK_MODEL_ID": "us.amazon.nova-pro-v1:0", "MODEL_LARGE": "amazon.nova-pro-v1:0"}
    result = translate(raw)
    assert "MODEL_LARGE" not in result.values
    assert any(
        line.startswith("ignored: BEDROCK_MODEL_ID — MODEL_LARGE=amazon.nova-pro-v1:0 is set")
        for line in lines(raw)
    )


def test_pinned_nova_mode_reads_nova_model_id_and_says_bedrock_model_id_is_ignored() -> None:
    raw = {"BACKEND_MODE": "nova", "BEDROCK_MODEL_ID": "us.amazon.nova-pro-v1:0"}
    assert not {"MODEL_LARGE", "MODEL_SMALL"} & translate(raw).values.keys()
    assert any(
        line.startswith("ignored: BEDROCK_MODEL_ID — BACKEND_MODE=nova") for line in lines(raw)
    )


def test_in_nova_mode_nova_temperature_counts_and_bedrock_temperature_is_ignored() -> None:
    raw = {"BACKEND_MODE": "nova", "BEDROCK_TEMPERATURE": "0.2", "NOVA_TEMPERATURE": "0.6"}
    assert translate(raw).overrides == {}
    assert any(line.startswith("ignored: BEDROCK_TEMPERATURE") for line in lines(raw))


def test_streaming_off_is_named_since_answers_always_stream() -> None:
    assert any(
        line.startswith("ignored: BEDROCK_STREAMING — answers always stream — use")
        for line in lines({"BEDROCK_STREAMING": "false"})
    )


def test_a_placeholder_knowledge_base_endpoint_is_named_not_guessed() -> None:
    url = "https://bedrock-agent-runtime.us-east-1.amazonaws.com/knowledgebases/YOUR_KB_ID/retrieve"
    result = translate({"KB_DIRECT_ENDPOINT": url})
    assert "KNOWLEDGE_BASE_ID" not in result.values
    assert any(
        "'YOUR_KB_ID'" in line and "KNOWLEDGE_BASE_ID" in line
        for line in lines({"KB_DIRECT_ENDPOINT": url})
    )


def test_an_endpoint_naming_another_kb_than_knowledge_base_id_says_how_to_search_both() -> None:
    url = "https://bedrock-agent-runtime.us-east-1.amazonaws.com/knowledgebases/KBOTHER001/retrieve-and-generate"
    found = lines({"KNOWLEDGE_BASE_ENDPOINT": url, "KNOWLEDGE_BASE_ID": "KBFIRST001"})
    assert any("use KNOWLEDGE_BASE_ID=KBFIRST001,KBOTHER001" in line for line in found)


def test_a_new_env_is_not_mistaken_for_the_old_one() -> None:
    assert (
        translate({"MODEL_LARGE": "us.amazon.nova-pro-v1:0", "DISCORD_CHANNEL_IDS": "1"}).values
        == {}
    )


@pytest.mark.usefixtures("old_bot_folder")
def test_an_old_env_keeps_threads_unless_discord_thread_mode_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().discord_thread_mode is True
    monkeypatch.setenv("DISCORD_THREAD_MODE", "false")
    settings = load_settings()
    assert settings.discord_thread_mode is False
    assert not any("thread" in note.text for note in settings.legacy.notes)


@pytest.mark.usefixtures("old_bot_folder")
def test_the_migrated_env_runs_like_the_old_one_and_names_the_differences(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = load_settings()
    assert main(["config", "migrate", str(ORIGINAL / "old.env")]) == 0
    migrated = capsys.readouterr().out
    assert "# ignored: AGENT_ID — " in migrated
    assert "BACKEND_MODE=auto" in migrated
    for topic in ("Threads:", "Channels:", "Tiers:", "Memory:", "Knowledge:", "Prompts:"):
        assert f"# - {topic}" in migrated
    new_folder = tmp_path / "new"
    new_folder.mkdir()
    (new_folder / ".env").write_text(migrated)
    monkeypatch.chdir(new_folder)
    after = load_settings()
    fields = (
        "backend_mode",
        "model_small",
        "model_medium",
        "model_large",
        "nova_temperature",
        "nova_max_tokens",
        "model_timeout_seconds",
        "model_connect_timeout_seconds",
        "knowledge_base_id",
        "discord_thread_mode",
        "discord_channel_id",
        "prompt_profile",
    )
    assert {f: getattr(after, f) for f in fields} == {f: getattr(before, f) for f in fields}
    assert after.legacy.notes == []  # nothing old is left to report


def test_migrate_names_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["config", "migrate", str(tmp_path / "nope.env")]) == 2
    assert "no file" in capsys.readouterr().err


def test_the_old_single_channel_variable_alone_marks_an_old_env() -> None:
    assert translate({"DISCORD_CHANNEL_ID": "42"}).values == {"DISCORD_THREAD_MODE": "true"}
    assert translate({"DISCORD_CHANNEL_ID": "42", "DISCORD_CHANNEL_IDS": "7"}).values == {}


def test_without_prompt_root_the_old_default_agents_folder_is_kept(
    monkeypatch: pytest.MonkeyPatch, old_bot_folder: Path
) -> None:
    (old_bot_folder / ".env").write_text(
        "\n".join(
            line
            for line in (ORIGINAL / "old.env").read_text().splitlines()
            if not line.startswith("PROMPT_ROOT=")
        )
    )
    settings = load_settings()
    assert settings.prompt_root == old_bot_folder / "agents"
    assert any(note.variable == "PROMPT_ROOT" for note in settings.legacy.notes)
    (old_bot_folder / "agents" / "default" / "default.system.md").unlink()
    assert load_settings().prompt_root != old_bot_folder / "agents"  # nothing there to keep


# Every variable the original bot read (its config.py, .env.example and README), with a value
# it would have taken.
ORIGINAL_VARIABLES = {
    "DISCORD_BOT_TOKEN": "token",
    "DISCORD_CHANNEL_ID": "42",
    "BACKEND_MODE": "agentcore",
    "AWS_REGION": "us-east-1",
    "AGENT_ID": "AGENT12345",
    "AGENT_ALIAS_ID": "ALIAS12345",
    "AGENTCORE_MODE": "local",
    "LLM_PROVIDER": "bedrock",
    "BEDROCK_MODEL_ID": "us.amazon.nova-pro-v1:0",
    "BEDROCK_TEMPERATURE": "0.3",
    "BEDROCK_MAX_TOKENS": "2048",
    "BEDROCK_STREAMING": "false",
    "BEDROCK_READ_TIMEOUT": "120",
    "BEDROCK_CONNECT_TIMEOUT": "10",
    "KNOWLEDGE_BASE_ID": "KBORIGINL1",
    "KNOWLEDGE_BASE_ENDPOINT": "https://kb.example/query",
    "KB_DIRECT_ENDPOINT": "https://bedrock-agent-runtime.us-east-1.amazonaws.com/knowledgebases/KBORIGINL1/retrieve-and-generate",
    "OLLAMA_MODEL": "llama3:8b",
    "OLLAMA_BASE_URL": "http://localhost:11434",
    "NOVA_MODEL_ID": "amazon.nova-pro-v1:0",
    "NOVA_TEMPERATURE": "0.7",
    "NOVA_MAX_TOKENS": "4096",
    "NOVA_TOP_P": "0.9",
    "MAX_RESPONSE_CHARS": "1800",
    "MEMORY_MAX_MESSAGES": "50",
    "SYSTEM_PROMPT": "Be kind.",
    "LOG_LEVEL": "INFO",
    "PROMPT_PROFILE": "default",
    "PROMPT_ROOT": "agents",
    "PROMPT_USER_ROLE": "user",
    "SOURCE_AGENTS_ENABLED": "false",
    "SOURCE_AGENTS_S3_BUCKET": "kb-bucket",
    "SOURCE_AGENTS_S3_REGION": "us-east-1",
    "SOURCE_AGENTS_DATA_SOURCE_ID": "DSORIGINL1",
    "SOURCE_AGENTS_RUN_ON_STARTUP": "false",
    "SOURCE_AGENTS_INTERVAL": "3600",
}


def test_every_original_variable_is_a_setting_or_has_a_note() -> None:
    from community_bot.legacy_migrate import known_variables

    notes = translate(ORIGINAL_VARIABLES).notes
    noted = {part for note in notes for part in note.variable.split("/")}
    unaccounted = set(ORIGINAL_VARIABLES) - known_variables() - noted
    assert unaccounted == set()
    ignored = {note.variable for note in notes if note.kind == "ignored"}
    assert ignored == {"AGENT_ID", "AGENT_ALIAS_ID", "AGENTCORE_MODE", "BEDROCK_STREAMING"}
    assert all(
        " — " in note.line() and "instead" in note.text for note in notes if note.kind == "ignored"
    )


@pytest.mark.usefixtures("old_bot_folder")
def test_run_no_thread_mode_wins_and_start_up_does_not_claim_threads() -> None:
    settings = load_settings(discord_thread_mode=False)
    assert settings.discord_thread_mode is False
    assert not any("thread" in note.text for note in settings.legacy.notes)
    assert any(note.variable == "AGENT_ID" for note in settings.legacy.notes)
