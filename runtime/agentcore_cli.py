"""`community-bot agentcore serve`: the graph behind the AgentCore Runtime contract."""

from __future__ import annotations

import argparse
from typing import Any

from community_bot.cli_support import CONVERSATION_VARIABLES, add_command
from community_bot.settings import Settings

DEFAULT_PORT = 8080  # the port AgentCore Runtime calls in the container


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `agentcore` (with `serve`) to the top-level CLI."""
    parser = add_command(
        subparsers, "agentcore", "Amazon Bedrock AgentCore Runtime (see docs/agentcore.md)."
    )
    commands = parser.add_subparsers(dest="agentcore_command", required=True, metavar="COMMAND")
    serve = add_command(
        commands,
        "serve",
        "Serve the conversation graph as an AgentCore Runtime container: GET /ping,"
        ' POST /invocations {"prompt": ...} streamed, one thread per runtime session.',
        (*CONVERSATION_VARIABLES, "DATABASE_URL"),
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="default: %(default)s")
    serve.add_argument(
        "--host",
        help="address to bind (default: 0.0.0.0 in a container, else 127.0.0.1, as the SDK does)",
    )
    serve.set_defaults(handler=_serve)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from runtime.agentcore_server import serve

    serve(settings, args.port, args.host)
    return 0
