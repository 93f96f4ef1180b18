"""`community-bot route`: show which tier and model a message would get."""

from __future__ import annotations

import argparse
import json
from typing import Any

from community_bot.settings import Settings


def register(subparsers: Any) -> None:
    from community_bot.cli import add_command

    parser = add_command(subparsers, "route", "Print the routing decision for a message as JSON.")
    parser.add_argument("text", help="The message, in quotes.")
    parser.set_defaults(handler=_route)


def _route(args: argparse.Namespace, settings: Settings) -> int:
    from community_bot.models import build_gateway
    from community_bot.routing import decide

    choice = decide(args.text)
    gateway = build_gateway(settings)
    try:
        model = gateway.model_for(choice.tier)
    finally:
        gateway.close()
    print(json.dumps({"tier": choice.tier, "model": model, "reason": choice.reason}))
    return 0
