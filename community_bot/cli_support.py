"""The shape every `community-bot` subcommand shares: a help page that lists the environment
variables it reads. Feature packages build their subcommands with `add_command` and expose
`register(subparsers)`; the top-level command (`runtime.cli`) imports each of them explicitly.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from community_bot.settings import describe_settings

CONVERSATION_VARIABLES = (
    "BACKEND_MODE",
    "AWS_REGION",
    "NOVA_",
    "MODEL_",
    "OLLAMA_",
    "DAILY_BUDGET_USD",
    "KNOWLEDGE_BASE_ID",
    "KB_",
    "LOCAL_KB_",
    "DATA_DIR",
    "CHECKPOINT_URL",
    "DATABASE_URL",
    "MEMORY_",
    "SYSTEM_PROMPT",
    "PROMPT_",
    "MAX_RESPONSE_CHARS",
    "LOG_",
    "LANGSMITH_",
)


def env_help(prefixes: Sequence[str]) -> str:
    """An epilog listing the environment variables (with defaults) whose names start so."""
    lines = ["environment variables (also read from .env):"]
    for name, default, description in describe_settings():
        if name.startswith(tuple(prefixes)):
            shown = f" [default: {default}]" if default else ""
            lines.append(f"  {name:<30} {description}{shown}")
    return "\n".join(lines)


def add_command(
    subparsers: Any, name: str, summary: str, env_prefixes: Sequence[str] = CONVERSATION_VARIABLES
) -> argparse.ArgumentParser:
    """A subcommand whose help shows its environment variables; used by every feature.

    The summary is plain text: argparse %-formats a subcommand's `help`, so a literal `%`
    ("error rate < 1%") is escaped here rather than crashing `community-bot --help`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=summary.replace("%", "%%"),
        description=summary,
        epilog=env_help(env_prefixes),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser
