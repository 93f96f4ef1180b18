"""`community-bot stats`: what the bot answered, with which models, at what cost and speed.

Reads the ledger (DATA_DIR/turns.sqlite) that every runtime writes, so it works on a running
bot's data without stopping it.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from community_bot.settings import Settings

SECONDS_PER_DAY = 86_400


def register(subparsers: Any) -> None:
    from community_bot.cli_support import add_command

    parser = add_command(
        subparsers,
        "stats",
        "Per-model and per-tier turns, tokens, cost, error and fallback rates, latency, time to "
        "first token, KB hit rate and 👍/👎 votes, from the local turn ledger.",
        env_prefixes=("DATA_DIR",),
    )
    parser.add_argument(
        "--days",
        type=_positive_days,
        default=7.0,
        help="How far back to look, in days (default: %(default)g).",
    )
    parser.add_argument(
        "--json", action="store_true", help="Print JSON for scripts instead of tables."
    )
    parser.set_defaults(handler=_stats)


def _positive_days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if not days > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return days


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    from community_bot.ledger import Ledger, open_ledger
    from community_bot.observability.stats import render_table, summarise

    memory = settings.memory  # where the ledger is: nothing else is read
    path = memory.data_dir / "turns.sqlite"
    since = time.time() - args.days * SECONDS_PER_DAY
    rows: list[dict[str, Any]] = []
    votes: list[tuple[str, int]] = []
    shared = memory.database_url is not None
    if shared or path.exists():
        ledger = open_ledger(memory) if shared else Ledger(path)
        try:
            rows, votes = ledger.rows_since(since), ledger.feedback_since(since)
        finally:
            ledger.close()
    stats = summarise(rows, votes, args.days)
    if args.json:
        print(stats.to_json())  # zero turns is still valid JSON for a script
    elif not rows:
        where = "DATABASE_URL" if shared else path
        print(f"No turns recorded in the last {args.days:g} days (ledger: {where}).")
    else:
        print(render_table(stats))
    return 0
