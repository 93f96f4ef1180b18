"""`community-bot bench`: time the configured models on a set of questions, check the gates.

Exit status: 0 when every quality gate passes, 1 when a gate fails, 2 when no model is usable
(nothing was timed) or the configuration is invalid, so a script or CI job cannot mistake an
unconfigured run for a pass.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from community_bot import event_loop
from community_bot.errors import CommunityBotError
from community_bot.settings import Settings, load_settings
from community_bot.types import TIERS

if TYPE_CHECKING:  # the app loads when the command runs, not when `community-bot` lists it
    from runtime.benchmark.live import LiveRun

DEFAULT_QUESTIONS = Path(__file__).with_name("questions.txt")
GATE_FAILED = 1


def register(subparsers: Any) -> None:
    from community_bot.cli_support import add_command

    parser = add_command(
        subparsers,
        "bench",
        "Time the configured models (Bedrock, Ollama) on a set of questions through the real "
        "conversation, and check the quality gates: response time < 5 s avg, error rate < 1%, "
        "daily cost < $2. Exits 0 if all pass, 1 if one fails, 2 if no model is usable.",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        default=DEFAULT_QUESTIONS,
        help="Text file, one question per line; blank lines and # comments are skipped "
        "(default: a bundled set of 8 community questions).",
    )
    parser.add_argument(
        "--tier", choices=TIERS, help="Ask every question at this tier instead of routing each."
    )
    parser.add_argument(
        "--mode",
        choices=("auto", "nova", "ollama"),
        help="Use this BACKEND_MODE for the run instead of the configured one.",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="Ask the whole set N times (default 1)."
    )
    parser.add_argument(
        "--per-day",
        type=int,
        default=500,
        metavar="N",
        help="Answers a day, to project the daily cost (default %(default)s).",
    )
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    parser.set_defaults(handler=_bench)


def read_questions(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommunityBotError(f"cannot read questions file {path}: {exc}") from exc
    questions = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not questions:
        raise CommunityBotError(f"no questions in {path} (one per line; # starts a comment)")
    return questions


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from runtime.benchmark.live import run_questions

    if args.mode:
        settings = load_settings(backend_mode=args.mode)
    questions = read_questions(args.questions) * max(1, args.repeat)
    run = event_loop.run(
        run_questions(settings, questions, tier=args.tier, answers_per_day=args.per_day),
        settings.event_loop,
    )
    print(json.dumps(as_json(run), indent=2) if args.json else report(run))
    return 0 if all(passed for _, _, passed in run.gates()) else GATE_FAILED


def as_json(run: LiveRun) -> dict[str, Any]:
    return {
        "models": run.models,
        "answers": [asdict(a) | {"tokens_per_s": a.tokens_per_s} for a in run.answers],
        "response_time": run.stats(),
        "error_rate_pct": run.error_rate_pct,
        "cost_per_answer_usd": run.cost_per_answer_usd,
        "daily_cost_usd": run.daily_cost_usd,
        "answers_per_day": run.answers_per_day,
        "gates": [{"gate": g, "measured": m, "passed": p} for g, m, p in run.gates()],
    }


def report(run: LiveRun) -> str:
    """The run as Markdown: one row per question, the statistics, then the quality gates."""
    tiers = ", ".join(f"{tier} = {model}" for tier, model in run.models.items())
    lines = [
        f"Models at start-up: {tiers}.",
        "",
        "| # | Question | Model | First token | Response | Tokens/s | Output tokens | Chars |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for number, a in enumerate(run.answers, start=1):
        first = "" if a.first_token_s is None else f"{a.first_token_s:.2f} s"
        speed = "" if a.tokens_per_s is None else f"{a.tokens_per_s:.0f}"
        model = a.model if a.outcome == "ok" else f"{a.model} ({a.outcome})"
        lines.append(
            f"| {number} | {a.question[:60]} | {model} | {first} | {a.response_s:.2f} s "
            f"| {speed} | {a.output_tokens} | {a.chars} |"
        )
    stats = run.stats()
    if stats["mean_s"] is not None:
        firsts = [a.first_token_s for a in run.answered if a.first_token_s is not None]
        speeds = [a.tokens_per_s for a in run.answered if a.tokens_per_s is not None]
        lines += [
            "",
            f"Response time over {len(run.answered)} answers: mean {stats['mean_s']:.2f} s, "
            f"std {stats['std_s']:.2f} s, min {stats['min_s']:.2f} s, max {stats['max_s']:.2f} s"
            + (f"; first token mean {sum(firsts) / len(firsts):.2f} s" if firsts else "")
            + (f"; {sum(speeds) / len(speeds):.0f} tokens/s" if speeds else "")
            + f"; ${run.cost_per_answer_usd:.5f} per answer.",
        ]
    lines += ["", "| Quality gate | Measured | Result |", "|---|---|---|"]
    lines += [
        f"| {gate} | {measured} | {'pass' if ok else 'FAIL'} |"
        for gate, measured, ok in run.gates()
    ]
    return "\n".join(lines)
