"""Logging for every command and the Discord bot: one format, secrets masked, optional rotation.

`configure_logging` replaces the handlers it installed before, so calling it again (tests, a
reloaded configuration) never duplicates lines, and leaves other handlers (pytest's) alone.
Libraries that narrate every request (botocore, httpx, discord.py's gateway) are held at WARNING,
and at INFO under LOG_LEVEL=DEBUG: their debug lines carry request bodies, i.e. what users wrote,
which only LOG_MESSAGE_CONTENT=true lets through. INFO carries one accounting line per turn.
Credentials are masked in every line, AWS access key ids included.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler

from community_bot.errors import ConfigError
from community_bot.observability.redaction import RedactSecrets
from community_bot.settings import ObservabilitySettings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY_LIBRARIES = (
    "botocore",
    "boto3",
    "urllib3",
    "httpx",
    "httpcore",
    "discord.gateway",
    "discord.http",
    "discord.client",
    "discord.webhook",
    "aiosqlite",
    "langsmith",
    "ollama",
)
HANDLER_NAME = "community-bot"


def configure_logging(
    observability: ObservabilitySettings, secrets: Iterable[str]
) -> list[logging.Handler]:
    """Route all logging to stderr (and LOG_FILE), masking `secrets` (`known_secrets(settings)`:
    every group holds some, so the caller composes them); returns the installed handlers.

    Raises ConfigError naming LOG_FILE when the file cannot be opened for appending.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if observability.log_file is not None:
        handlers.append(_rotating_file(observability))
    redact = RedactSecrets(secrets)
    formatter = logging.Formatter(LOG_FORMAT)
    for handler in handlers:
        handler.name = HANDLER_NAME
        handler.addFilter(redact)
        handler.setFormatter(formatter)

    root = logging.getLogger()
    for old in root.handlers[:]:
        if old.name == HANDLER_NAME:
            root.removeHandler(old)
            old.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(observability.log_level)
    library_level = logging.WARNING
    if observability.log_level == "DEBUG":
        library_level = logging.NOTSET if observability.log_message_content else logging.INFO
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(library_level)
    return handlers


def _rotating_file(observability: ObservabilitySettings) -> RotatingFileHandler:
    path = observability.log_file
    assert path is not None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return RotatingFileHandler(
            path,
            maxBytes=observability.log_file_max_bytes,
            backupCount=observability.log_file_backups,
            encoding="utf-8",
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError([f"LOG_FILE: cannot write to {path}: {reason}"]) from None
