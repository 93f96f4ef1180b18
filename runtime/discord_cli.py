"""`community-bot run`: connect to Discord and answer until stopped."""

from __future__ import annotations

import argparse
from typing import Any

from community_bot import event_loop
from community_bot.errors import ConfigError
from community_bot.settings import Settings, describe_settings, load_settings

_SECTIONS = ("DISCORD_", "RATE_LIMIT_", "MAX_RESPONSE_CHARS", "LOG_", "METRICS_", "LANGSMITH_")

DESCRIPTION = """\
Connect to Discord and answer in the configured channels, when mentioned, in replies to the bot,
in listed forum channels and (when enabled) in DMs, streaming each answer as it is written.
Every setting comes from the environment or `.env`; the options below override a few of them.
SIGINT/SIGTERM stop taking new messages, let in-flight answers finish (up to
DISCORD_SHUTDOWN_GRACE_SECONDS), then close the connection and the memory store, so a restart
continues every channel's conversation. The bot needs the Message Content intent enabled in the
Discord developer portal."""


def _epilog() -> str:
    rows = [row for row in describe_settings() if row[0].startswith(_SECTIONS)]
    rows.append(("DATA_DIR", ".community-bot", "Where memory and turn records live."))
    width = max(len(name) for name, _, _ in rows)
    lines = ["environment variables (Discord runtime; see `.env.example` for all):"]
    for name, default, description in rows:
        shown = f" [default: {default}]" if default else ""
        lines.append(f"  {name:<{width}}  {description}{shown}")
    return "\n".join(lines)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `run` to the top-level CLI; the parsed namespace carries `handler`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="connect to Discord and answer",
        description=DESCRIPTION,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--channels",
        metavar="IDS",
        help="comma-separated channel ids to answer in (overrides DISCORD_CHANNEL_IDS)",
    )
    parser.add_argument(
        "--forum-channels",
        metavar="IDS",
        help="comma-separated forum channel ids (overrides DISCORD_FORUM_CHANNEL_IDS)",
    )
    parser.add_argument(
        "--thread-mode",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer each new question in its own thread (DISCORD_THREAD_MODE)",
    )
    parser.add_argument(
        "--allow-dms",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer direct messages (DISCORD_ALLOW_DMS)",
    )
    parser.add_argument(
        "--sharded",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="use discord.py's AutoShardedClient (DISCORD_SHARDED)",
    )
    parser.add_argument(
        "--shard-count",
        metavar="N",
        type=int,
        help="shards across all processes; implies --sharded (DISCORD_SHARD_COUNT)",
    )
    parser.add_argument(
        "--shard-ids",
        metavar="IDS",
        help="comma-separated shards this process connects (DISCORD_SHARD_IDS)",
    )
    parser.add_argument("--data-dir", metavar="PATH", help="memory and records folder (DATA_DIR)")
    parser.set_defaults(handler=run_command)
    return parser


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """Settings given on the command line; unset options leave the environment's value."""
    mapping = {
        "channels": "discord_channel_ids",
        "forum_channels": "discord_forum_channel_ids",
        "thread_mode": "discord_thread_mode",
        "allow_dms": "discord_allow_dms",
        "sharded": "discord_sharded",
        "shard_count": "discord_shard_count",
        "shard_ids": "discord_shard_ids",
        "data_dir": "data_dir",
    }
    return {
        field: getattr(args, option)
        for option, field in mapping.items()
        if getattr(args, option, None) is not None
    }


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `community-bot run`: 0 after a clean stop.

    Command-line options override the environment's settings, validated again as a whole; a
    ConfigError (exit code 2, variable named) reaches the caller before anything connects.
    """
    from runtime.discord_run import run_bot  # discord.py and the graph load only for `run`

    if overrides := overrides_from(args):
        settings = load_settings(**overrides)
    if settings.discord_bot_token is None:
        raise ConfigError(["DISCORD_BOT_TOKEN: required to connect to Discord"])
    event_loop.run(run_bot(settings), settings.event_loop)
    return 0
