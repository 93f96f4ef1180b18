"""`community-bot route`: show which tier and model a message would get, or score a labeled set.

The decision is the router's alone: the daily budget and provider availability, which the
route node applies on top, are left out, and nothing touches the network.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from community_bot.errors import CommunityBotError
from community_bot.routing.requests import FIELDS_HELP, BadLine, RouteRequest, read_requests
from community_bot.settings import ModelSettings, Settings
from community_bot.types import TIERS, Tier

# What decides the model shown for a tier (pins, tier models, prices) and where the spend file is.
ROUTING_VARIABLES = (
    "BACKEND_MODE",
    "NOVA_MODEL_ID",
    "OLLAMA_MODEL",
    "MODEL_SMALL",
    "MODEL_MEDIUM",
    "MODEL_LARGE",
    "MODEL_PRICES",
    "ROUTER_QUALITY_BIAS",
    "DATA_DIR",
)
CONTEXT_FLAGS = ("previous", "previous_tier", "kb_score", "kb_hit")
DESCRIPTION = """\
Print the routing decision for a message as JSON: the tier (small, medium, large), the model
configured for it, the reason naming the signals that counted, the score and each signal's weight.
The score is the learned model's P(large); ROUTER_QUALITY_BIAS moves the large-tier threshold.

examples:
  community-bot route "how do I install it on windows?"
  community-bot route "and on linux?" --previous "how do I install it on windows?"
  community-bot route --jsonl questions.jsonl > decisions.jsonl
  community-bot route --eval bench/data/routing_labeled.jsonl
"""


def register(subparsers: Any) -> None:
    from community_bot.cli_support import add_command

    parser = add_command(
        subparsers,
        "route",
        "Show the model tier a message would be routed to, or score a labeled set.",
        env_prefixes=ROUTING_VARIABLES,
    )
    parser.description = DESCRIPTION
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("text", nargs="?", help="The message, in quotes.")
    source.add_argument(
        "--jsonl",
        metavar="FILE",
        type=Path,
        help="Route every line of FILE (`-` reads stdin) and print one JSON line each: the input "
        f'object with the decision added under "route". {FIELDS_HELP}',
    )
    source.add_argument(
        "--eval",
        metavar="FILE",
        type=Path,
        help='Score a labeled JSON Lines file (lines as for --jsonl plus the expected "tier", '
        'optionally "category", "origin" and "split") and print large-tier recall and precision, '
        "large-vs-not and 3-tier accuracy and the cost against always the large model, each with a "
        "95%% bootstrap interval, then per origin, the confusion matrix and the cost per 1,000 "
        "messages at the configured models and prices.",
    )
    parser.add_argument(
        "--previous", metavar="TEXT", help="The message before this one (single message only)."
    )
    parser.add_argument(
        "--previous-tier", choices=TIERS, help="The tier the previous message was routed to."
    )
    parser.add_argument(
        "--kb-score",
        type=float,
        metavar="SCORE",
        help="Top knowledge-base relevance score (0-1); from 0.75 the KB counts as answering it, "
        "below 0.5 as a miss.",
    )
    kb = parser.add_mutually_exclusive_group()
    kb.add_argument(
        "--kb-hit",
        dest="kb_hit",
        action="store_true",
        default=None,
        help="The knowledge base found passages.",
    )
    kb.add_argument(
        "--kb-miss", dest="kb_hit", action="store_false", help="The knowledge base found nothing."
    )
    parser.set_defaults(handler=_route)


def _route(args: argparse.Namespace, settings: Settings) -> int:
    if args.text is None and any(getattr(args, flag) is not None for flag in CONTEXT_FLAGS):
        raise CommunityBotError(
            "--previous, --previous-tier and --kb-* describe a single message; with --jsonl or "
            '--eval give each line its own "previous", "previous_tier", "kb_hit", "kb_top_score"'
        )
    if args.eval is not None:
        return _evaluate(args.eval, settings.models)
    from community_bot.models import build_gateway

    gateway = build_gateway(settings.models, settings.memory)
    try:
        if args.jsonl is None:
            request = RouteRequest(
                text=args.text,
                previous_text=args.previous,
                previous_tier=args.previous_tier,
                kb_top_score=args.kb_score,
                kb_hit=args.kb_hit,
            )
            route = _decision(request, gateway.model_for, settings.router_quality_bias)
            print(json.dumps(route, ensure_ascii=False))
            return 0
        bad = 0
        for item in read_requests(_lines(args.jsonl)):
            if isinstance(item, BadLine):
                bad += _report(args.jsonl, item)
                continue
            route = _decision(item, gateway.model_for, settings.router_quality_bias)
            print(json.dumps({**(item.fields or {}), "route": route}, ensure_ascii=False))
        return 1 if bad else 0
    finally:
        gateway.close()


def _decision(
    request: RouteRequest, model_for: Callable[[Tier], str], quality_bias: float
) -> dict[str, Any]:
    choice = request.decide(quality_bias)
    return {
        "tier": choice.tier,
        "model": model_for(choice.tier),
        "reason": choice.reason,
        "score": choice.score,
        "signals": dict(choice.signals),
    }


def _evaluate(path: Path, models: ModelSettings) -> int:
    from community_bot.routing.evaluation import CostModel, read_labeled, report

    outcomes, bad = read_labeled(_lines(path), models.router_quality_bias)
    for line in bad:
        _report(path, line)
    if not outcomes:
        raise CommunityBotError(f"{path}: no labeled messages to evaluate")
    print(report(outcomes, CostModel.from_settings(models), f"Routing quality: {path}"))
    return 1 if bad else 0


def _report(path: Path, line: BadLine) -> int:
    """Name a skipped line on stderr; returns 1 so callers can count them."""
    print(f"community-bot route: {path}:{line.number}: {line.problem} — skipped", file=sys.stderr)
    return 1


def _lines(path: Path) -> Iterable[str]:
    """The lines of `path`, or of stdin for `-`; an unreadable file is a clear error."""
    if str(path) == "-":
        return sys.stdin
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommunityBotError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommunityBotError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from exc
