"""What observability costs per turn, in microseconds, and how fast `stats` reads a big ledger.

    uv run python -m bench.observability_overhead

Measures, on one finished turn replayed many times: the INFO turn line (formatted, masked and
written to a file, as with LOG_FILE), the Prometheus updates, the ledger row (SQLite, WAL), the
tracing context when LANGSMITH_TRACING is off, and the whole `Telemetry.watch` path that a turn
goes through; then reading and summarising a 100,000-turn ledger, as `community-bot stats` does;
then the CPU a whole turn costs with LangSmith tracing off and on (against the local emulator).
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from community_bot import event_loop
from community_bot.ledger import Ledger
from community_bot.observability.logs import configure_logging
from community_bot.observability.metrics import BotMetrics
from community_bot.observability.redaction import known_secrets
from community_bot.observability.stats import summarise
from community_bot.observability.telemetry import Telemetry, ledger_row
from community_bot.observability.tracing import TurnTracing
from community_bot.observability.turn_log import log_turn
from community_bot.settings import Settings
from community_bot.turns import Author, FinalReply
from nodes.services import Services
from runtime.app import open_app
from tests.emulators.langsmith import LangSmithEmulator
from tests.fakes import FixedKnowledge, ScriptedGateway, length_router, passage

AUTHOR = Author("123456789012345678", "Alice")
ROUNDS = 2_000
LEDGER_ROWS = 100_000
TRACED_TURNS = 60


def finished_turn() -> FinalReply:
    return FinalReply(
        chunks=["An answer."],
        route={"tier": "medium", "model": "amazon.nova-lite-v1:0", "reason": "question"},
        turn={
            "model": "amazon.nova-lite-v1:0",
            "tier": "medium",
            "input_tokens": 1200,
            "output_tokens": 180,
            "ttft_ms": 420.0,
            "latency_ms": 1830.0,
            "cost_usd": 0.0001152,
            "outcome": "fallback",
            "attempts": ["amazon.nova-pro-v1:0: ThrottlingException (429): slow down"],
        },
        retrieval={"hit": True, "top_score": 0.8, "scores": [0.8], "sources": [], "latency_ms": 3},
        run_id=str(uuid.uuid4()),
        thread_id="discord:42",
        elapsed_ms=1902.0,
    )


def per_call_us(action: Callable[[], None], rounds: int = ROUNDS) -> tuple[float, float]:
    """Median and p95 of one call, in microseconds."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


async def turn_cpu_ms(folder: Path, **tracing: object) -> float:
    """CPU time per turn on the real graph with scripted (instant) models, every thread counted
    (LangSmith serialises and compresses on background threads) until the app has closed."""
    settings = Settings(data_dir=folder, _env_file=None, **tracing)  # type: ignore[arg-type]
    knowledge = FixedKnowledge([passage("Install with pip.")])
    services = Services(
        settings.memory, settings.prompts, knowledge, ScriptedGateway(), length_router
    )
    async with open_app(settings, services) as app:
        await app.conversation.ask("discord:0", "warm up", AUTHOR)
        started = time.process_time()
        for n in range(TRACED_TURNS):
            await app.conversation.ask(f"discord:{n % 4}", "How do I install it?", AUTHOR)
    return (time.process_time() - started) * 1000 / TRACED_TURNS


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="obs-bench-"))
    settings = Settings(
        data_dir=folder,
        log_file=folder / "bot.log",
        discord_bot_token="MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.a-token-to-mask-in-every-line",
        _env_file=None,
    )
    stderr, _file = configure_logging(settings.observability, known_secrets(settings))
    logging.getLogger().removeHandler(stderr)  # the file alone, and a readable terminal

    reply = finished_turn()
    metrics = BotMetrics()
    ledger = Ledger(folder / "turns.sqlite")
    tracing = TurnTracing(settings.observability, settings.prompt_profile)
    telemetry = Telemetry(ledger, metrics, tracing)

    def ledger_write() -> None:
        ledger.record_turn(ledger_row(reply, "discord:42", AUTHOR) | {"run_id": str(uuid.uuid4())})

    def tracing_off() -> None:
        with tracing.turn("run", "discord:42", "question", AUTHOR, None):
            pass

    def whole_path() -> None:
        run_id = str(uuid.uuid4())
        with telemetry.watch(run_id, "discord:42", "question", AUTHOR, None) as answered:
            answered(replace(reply, run_id=run_id))

    rows = [
        (
            "turn log line (file, masked)",
            per_call_us(lambda: log_turn(reply, "discord:42", AUTHOR)),
        ),
        ("metrics update", per_call_us(lambda: metrics.observe_turn(reply))),
        ("ledger row (SQLite)", per_call_us(ledger_write)),
        ("tracing context, tracing off", per_call_us(tracing_off)),
        ("whole Telemetry.watch path", per_call_us(whole_path)),
    ]
    print(f"per turn, {ROUNDS} rounds          median µs    p95 µs")
    for name, (median, p95) in rows:
        print(f"  {name:<30} {median:9.1f} {p95:9.1f}")

    # A ledger of LEDGER_ROWS turns, one in ten after a fallback, one in seven with a vote.
    stats_ledger = Ledger(folder / "stats.sqlite")
    for n in range(LEDGER_ROWS):
        row = ledger_row(reply, "discord:42", AUTHOR)
        stats_ledger.record_turn(
            row | {"run_id": str(n), "attempts": row["attempts"][: n % 10 == 0]}
        )
        if n % 7 == 0:
            stats_ledger.record_feedback(str(n), "discord:42", "user", 1)
    started = time.perf_counter()
    summarise(stats_ledger.rows_since(0), stats_ledger.feedback_since(0), 7)
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"stats (read + summarise) over {LEDGER_ROWS} turns: {elapsed_ms:.0f} ms")
    stats_ledger.close()

    with LangSmithEmulator() as langsmith:
        off = event_loop.run(turn_cpu_ms(folder / "off"))
        on = event_loop.run(
            turn_cpu_ms(folder / "on", langsmith_tracing=True, langsmith_endpoint=langsmith.url)
        )
    print(f"CPU per whole turn, scripted models: tracing off {off:.1f} ms, on {on:.1f} ms")


if __name__ == "__main__":
    main()
