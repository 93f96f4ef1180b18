"""Keep secrets out of every log line: tokens and keys become `***` before any handler sees them.

The filter sits on each handler `configure_logging` installs, so it covers records from every
logger, ours and third-party, and it rewrites the formatted message (arguments included), the
exception text and the stack text, where a secret most often hides (an error quoting a header).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, SecretStr

MASK = "***"
# Credentials read from the environment by boto3, LangSmith and discord.py rather than Settings.
SECRET_VARIABLES = (
    "DISCORD_BOT_TOKEN",
    "AWS_ACCESS_KEY_ID",  # not a secret alone, but it names the account and key: never logged
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
)
# Shorter values are placeholders ("test", "x"); masking them would garble ordinary words.
MIN_SECRET_LENGTH = 8
# AWS access key ids however they reach a line (a profile, an SSO cache, a header botocore logs).
AWS_ACCESS_KEY_ID = r"\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}\b"
# A webhook's or an interaction's token in a Discord URL (discord.py logs request URLs at
# DEBUG): whoever holds an interaction's token may post as the bot in that channel for 15 min.
DISCORD_URL_TOKEN = r"(?<=/webhooks/)\d+/[\w.-]{20,}|(?<=/interactions/)\d+/[\w.-]{20,}"

_TRACEBACKS = logging.Formatter()


def known_secrets(settings: BaseModel, environ: Mapping[str, str] = os.environ) -> set[str]:
    """Every SecretStr the settings hold plus the well-known credential variables. Give it the
    whole `Settings`: every group's secrets (Discord token, database URL, API keys) are masked."""
    values = {
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    }
    values.update(environ[name] for name in SECRET_VARIABLES if name in environ)
    return {value for value in values if len(value) >= MIN_SECRET_LENGTH}


class RedactSecrets(logging.Filter):
    """Replace each known secret with `***` in a record's message, exception and stack text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        longest_first = sorted(set(secrets), key=len, reverse=True)
        pattern = "|".join([*map(re.escape, longest_first), AWS_ACCESS_KEY_ID, DISCORD_URL_TOKEN])
        self._pattern: re.Pattern[str] | None = re.compile(pattern)

    def redact(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True
