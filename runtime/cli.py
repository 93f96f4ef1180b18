"""The `community-bot` command: terminal chat, one-shot ask, and the subcommands of each feature.

Every subcommand's `--help` lists its options and the environment variables it reads; feature
packages add their own subcommands through a `register(subparsers)` function.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict

from community_bot import event_loop
from community_bot.cli_support import add_command
from community_bot.errors import CommunityBotError
from community_bot.kb.cli import register as register_kb
from community_bot.observability.logs import configure_logging
from community_bot.observability.redaction import known_secrets
from community_bot.observability.stats_cli import register as register_stats
from community_bot.routing.cli import register as register_route
from community_bot.settings import Settings, load_settings
from community_bot.thread_lock import ThreadBusyError
from community_bot.turns import Author, FinalReply, TokenEvent
from runtime.agentcore_cli import register as register_agentcore
from runtime.benchmark.cli import register as register_bench
from runtime.config_cli import register as register_config
from runtime.discord_cli import register as register_run

FEATURE_COMMANDS = (
    register_config,
    register_route,
    register_kb,
    register_run,
    register_stats,
    register_bench,
    register_agentcore,
)

TERMINAL_THREAD = "terminal"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="community-bot",
        description="A Discord community assistant that answers from your knowledge base. "
        "Without any account it answers from the bundled sample docs.",
        epilog="Run `community-bot COMMAND --help` for a command's options and variables.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = add_command(
        subparsers, "chat", "Chat in the terminal on the same graph the Discord bot uses."
    )
    chat.add_argument(
        "--channel",
        default=TERMINAL_THREAD,
        help="Conversation thread to continue (default: %(default)s; Discord channels are "
        "`discord:<channel id>`).",
    )
    chat.add_argument("--profile", help="Prompt profile for this chat (default: PROMPT_PROFILE).")
    chat.set_defaults(handler=_chat)

    ask = add_command(subparsers, "ask", "Ask one question and print the answer.")
    ask.add_argument("question", help="The question, in quotes.")
    ask.add_argument(
        "--channel",
        default=TERMINAL_THREAD,
        help="Conversation thread the question belongs to (default: %(default)s).",
    )
    ask.add_argument("--profile", help="Prompt profile (default: PROMPT_PROFILE).")
    ask.add_argument(
        "--json",
        action="store_true",
        help="Print the reply as JSON: chunks, citations, route, turn accounting, retrieval.",
    )
    ask.set_defaults(handler=_ask)

    for register in FEATURE_COMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.observability, known_secrets(settings))
        result: int = args.handler(args, settings)
        return result
    except CommunityBotError as exc:
        print(f"community-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `community-bot … | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    event_loop.run(
        _one_turn(settings, args.channel, args.question, args.profile, as_json=args.json),
        settings.event_loop,
    )
    return 0


async def _one_turn(
    settings: Settings, channel: str, question: str, profile: str | None, *, as_json: bool
) -> FinalReply:
    """One turn, printed as soon as it is answered: a model call abandoned at its deadline may
    hold a worker thread a little longer, and the reader must not wait for that."""
    from runtime.backends import open_backend

    async with open_backend(settings, background=False) as app:
        stream = app.conversation.stream_turn(channel, question, _terminal_author(), profile)
        replies = [event async for event in stream if isinstance(event, FinalReply)]
    if not replies:  # the graph always ends in split_reply; this guards refactors
        raise RuntimeError("the conversation ended without a reply")
    reply = replies[-1]
    if as_json:
        print(json.dumps(asdict(reply), indent=2, default=str), flush=True)
    else:
        print(reply.text)
        if reply.citations:
            print(format_sources(reply))
        sys.stdout.flush()
    return reply


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    event_loop.run(_chat_loop(settings, args.channel, args.profile), settings.event_loop)
    return 0


async def _chat_loop(settings: Settings, channel: str, profile: str | None) -> None:
    from runtime.backends import open_backend

    author = _terminal_author()
    async with open_backend(settings, background=False) as app:
        print(f"community-bot chat on thread {channel!r}. /reset forgets it, /quit leaves.")
        while True:
            try:
                line = (await asyncio.to_thread(input, "\nyou> ")).strip()
            except EOFError:
                print()
                return
            if line in {"/quit", "/exit"}:
                return
            if line == "/reset":
                await app.conversation.reset(channel)
                print("(memory of this thread cleared)")
                continue
            if not line:
                continue
            print("bot> ", end="", flush=True)
            try:
                async for event in app.conversation.stream_turn(channel, line, author, profile):
                    if isinstance(event, TokenEvent):
                        print(event.text, end="", flush=True)
                    elif event.citations:
                        print("\n" + format_sources(event), end="")
            except ThreadBusyError as exc:  # another process's turn on this thread
                print(f"(not sent: {exc})", end="")
            print()


def format_sources(reply: FinalReply) -> str:
    """Citations as a compact footer: `Sources: [1] Title (path) · [2] …`."""
    return "Sources: " + " · ".join(
        f"[{c['number']}] {c['title']} ({c['source']})" for c in reply.citations
    )


def _terminal_author() -> Author:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "you"
    return Author(id=f"terminal:{name}", name=name)


if __name__ == "__main__":
    sys.exit(main())
