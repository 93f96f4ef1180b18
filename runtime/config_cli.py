"""`community-bot config`: what the bot will run with, and the `.env.example` template.

Settings are validated when any command starts; `config show` is the way to see the result
(secrets masked, changed values marked) without starting anything, followed by whether each
model provider can be reached right now.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from community_bot.errors import CommunityBotError
from community_bot.settings import Settings, render_env_example

SECRET_MASK = "***"


def register(subparsers: Any) -> None:
    from community_bot.cli_support import add_command

    config = add_command(
        subparsers,
        "config",
        "Show the effective configuration, print the .env.example template, or migrate the"
        " original bot's .env.",
        env_prefixes=(),
    )
    actions = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    show = actions.add_parser(
        "show",
        help="Every setting with its value (secrets masked; * marks values set in env or .env).",
    )
    show.set_defaults(handler=_show)
    template = actions.add_parser(
        "env-example", help="Print the commented .env.example for this version."
    )
    template.set_defaults(handler=_env_example)
    migrate = actions.add_parser(
        "migrate",
        help="Print the equivalent community-bot .env for the original bot's .env, with every"
        " old variable's fate and every behaviour that differs.",
    )
    migrate.add_argument("old_env", type=Path, metavar="OLD.env", help="The original bot's .env.")
    migrate.set_defaults(handler=_migrate)


def effective_settings(settings: Settings) -> list[tuple[str, str, bool]]:
    """(VARIABLE, shown value, changed from the default) for every setting."""
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        changed = name in settings.model_fields_set
        if isinstance(value, SecretStr):
            shown = SECRET_MASK if value.get_secret_value() else ""
        elif isinstance(value, list):
            shown = ",".join(map(str, value))
        elif isinstance(value, dict):
            shown = ",".join(f"{k}={v}" for k, v in value.items())
        else:
            shown = "" if value is None else str(value)
        rows.append(
            (name.upper(), shown, changed or value != field.get_default(call_default_factory=True))
        )
    return rows


def _show(args: argparse.Namespace, settings: Settings) -> int:
    for variable, shown, changed in effective_settings(settings):
        print(f"{'*' if changed else ' '} {variable}={shown}")
    if settings.backend_mode != "retrieval":
        print("# model providers, checked now (a running bot's /status shows its live state):")
        for line in asyncio.run(provider_lines(settings)):
            print(f"#   {line}")
    if notes := settings.legacy.notes:
        print("\nThe original bot's variables:")
        for note in notes:
            print(f"  {note.line()}")
    return 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from dotenv import dotenv_values

    from community_bot.legacy_migrate import render_migrated_env

    path: Path = args.old_env
    if not path.is_file():
        raise CommunityBotError(f"config migrate: no file {path}")
    try:
        raw = dotenv_values(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommunityBotError(f"config migrate: cannot read {path}: {exc}") from exc
    print(render_migrated_env(raw, str(path), path.resolve().parent), end="")
    return 0


async def provider_lines(settings: Settings) -> list[str]:
    """One line per provider: reachable with credentials / a pulled model, or why not."""
    from community_bot.models.probe import probe_bedrock, probe_ollama

    found = await asyncio.gather(probe_bedrock(settings.models), probe_ollama(settings.models))
    return [
        f"{p.provider}: {'usable' if p.usable and not p.undecided else 'NOT usable'} ({p.detail})"
        if not p.undecided
        else f"{p.provider}: undecided ({p.detail})"
        for p in found
    ]


def _env_example(args: argparse.Namespace, settings: Settings) -> int:
    print(render_env_example(), end="")
    return 0
