"""Logging as every command sets it up: secrets masked everywhere, rotation, clear errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from community_bot.errors import ConfigError
from community_bot.settings import Settings
from runtime.cli import main

Configure = Callable[[Settings], list[logging.Handler]]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.discord-token-that-must-never-be-logged"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN=="
LANGSMITH_KEY = "lsv2_pt_0123456789abcdef0123456789abcdef_0123456789"


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None, **overrides)


def test_secrets_in_message_args_and_tracebacks_never_reach_file_or_stream(
    configure: Configure,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    log_file = tmp_path / "logs" / "bot.log"
    configure(
        settings(
            tmp_path,
            discord_bot_token=TOKEN,
            langsmith_api_key=LANGSMITH_KEY,
            log_file=log_file,
        )
    )
    log = logging.getLogger("community_bot.test")

    log.info(f"connecting with {TOKEN}")
    log.warning("signing with %s and %s", AWS_SECRET, {"token": SESSION_TOKEN})
    logging.getLogger("botocore.credentials").error("key=%s", AWS_SECRET)
    try:
        raise RuntimeError(f"LangSmith refused key {LANGSMITH_KEY}")
    except RuntimeError:
        log.exception("tracing failed")

    for text in (log_file.read_text(), capsys.readouterr().err):
        for secret in (TOKEN, AWS_SECRET, SESSION_TOKEN, LANGSMITH_KEY):
            assert secret not in text
        assert "connecting with ***" in text
        assert "signing with *** and {'token': '***'}" in text
        assert "key=***" in text
        assert "RuntimeError: LangSmith refused key ***" in text


def test_interaction_tokens_in_discord_urls_are_masked_at_debug_level(
    configure: Configure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """discord.py logs each webhook request's URL at DEBUG (let through with message content),
    and a follow-up's URL holds the interaction's token: it may post as the bot for 15 minutes."""
    token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OkhpZGRlbg"
    configure(settings(tmp_path, log_level="DEBUG", log_message_content=True))
    http = logging.getLogger("discord.webhook.async_")

    http.debug("POST https://discord.com/api/v10/webhooks/1111111111111111/%s returned 200", token)
    http.debug("PATCH /webhooks/1111111111111111/%s/messages/@original", token)
    http.debug("POST /interactions/2222222222222222/%s/callback", token)

    text = capsys.readouterr().err
    assert token not in text
    assert text.count("***") == 3
    assert "/messages/@original" in text, "only the token is masked"


def test_log_file_rotates_at_its_size_limit(configure: Configure, tmp_path: Path) -> None:
    log_file = tmp_path / "bot.log"
    configure(settings(tmp_path, log_file=log_file, log_file_max_bytes=2048, log_file_backups=2))
    log = logging.getLogger("community_bot.test")

    for n in range(60):
        log.info("line %03d %s", n, "x" * 80)

    files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("bot.log"))
    assert files == ["bot.log", "bot.log.1", "bot.log.2"]
    assert all((tmp_path / name).stat().st_size <= 2048 for name in files)
    assert "line 059" in log_file.read_text()
    assert "line 000" not in "".join((tmp_path / name).read_text() for name in files)


def test_configuring_twice_does_not_duplicate_lines(
    configure: Configure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(settings(tmp_path))
    configure(settings(tmp_path))
    logging.getLogger("community_bot.test").warning("once")
    assert capsys.readouterr().err.count("once") == 1


def test_library_chatter_stays_at_warning_and_bodies_need_an_opt_in(
    configure: Configure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(settings(tmp_path, log_level="INFO"))
    logging.getLogger("botocore.endpoint").info("sending request")
    logging.getLogger("discord.gateway").info("heartbeat")
    logging.getLogger("community_bot.test").info("ours")
    quiet = capsys.readouterr().err

    configure(settings(tmp_path, log_level="DEBUG"))
    logging.getLogger("botocore.endpoint").debug("request body")  # what a user wrote
    logging.getLogger("botocore.endpoint").info("sending request")
    debug = capsys.readouterr().err

    configure(settings(tmp_path, log_level="DEBUG", log_message_content=True))
    logging.getLogger("botocore.endpoint").debug("request body")
    loud = capsys.readouterr().err

    assert "ours" in quiet
    assert "sending request" not in quiet and "heartbeat" not in quiet
    assert "sending request" in debug and "request body" not in debug
    assert "request body" in loud


def test_unwritable_log_file_is_a_configuration_error_naming_log_file(
    configure: Configure, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as raised:
        configure(settings(tmp_path, log_file=tmp_path))  # a directory, not a file
    assert raised.value.problems[0].startswith(f"LOG_FILE: cannot write to {tmp_path}")


def test_cli_stops_at_start_up_naming_log_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOG_FILE", str(blocker / "bot.log"))

    assert main(["stats"]) == 2
    err = capsys.readouterr().err
    assert f"LOG_FILE: cannot write to {blocker / 'bot.log'}" in err
    assert "Traceback" not in err
