"""Everything recorded about a running bot, fed from one place: ledger, turn log, metrics, traces.

`Telemetry.watch` is the conversation's `TurnObserver`: it wraps each turn in its LangSmith trace,
and when the reply is ready writes the ledger row, the INFO line and the metrics. Feedback and
rate-limit refusals arrive through `record_feedback` and `rate_limited`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from community_bot.ledger import TurnLedger
from community_bot.observability.metrics import BotMetrics, MetricsServer
from community_bot.observability.tracing import TurnTracing
from community_bot.observability.turn_log import log_turn
from community_bot.settings import ObservabilitySettings
from community_bot.turns import Author, FinalReply

log = logging.getLogger(__name__)


class Telemetry:
    """The ledger, metrics and tracing of one app."""

    def __init__(
        self,
        ledger: TurnLedger,
        metrics: BotMetrics,
        tracing: TurnTracing,
        metrics_server: MetricsServer | None = None,
    ) -> None:
        self.ledger = ledger
        self.metrics = metrics
        self.tracing = tracing
        self.metrics_server = metrics_server

    @contextmanager
    def watch(
        self, run_id: str, thread_id: str, question: str, author: Author, profile: str | None
    ) -> Iterator[Callable[[FinalReply], None]]:
        """Trace the turn run inside the block; the yielded callback records its final reply."""
        with self.tracing.turn(run_id, thread_id, question, author, profile) as root:

            def answered(reply: FinalReply) -> None:
                try:
                    log_turn(reply, thread_id, author)
                    self.metrics.observe_turn(reply)
                    if reply.turn is not None:
                        self.ledger.record_turn(ledger_row(reply, thread_id, author))
                    if root is not None:
                        self.tracing.describe(root, reply)
                except Exception:  # a full disk must not cost the user an answer already written
                    log.exception("could not record turn %s in %s", reply.run_id, thread_id)

            try:
                yield answered
            except Exception as exc:
                self.metrics.turn_failed(exc)
                raise

    async def record_feedback(self, run_id: str, thread_id: str, user_id: str, score: int) -> None:
        """Store a 👍 (+1) / 👎 (-1), count it for the answering model, send it to LangSmith."""
        self.ledger.record_feedback(run_id, thread_id, user_id, score)
        self.metrics.vote(score, self.ledger.model_of(run_id))
        if not self.tracing.enabled:
            return
        try:
            await asyncio.to_thread(self.tracing.send_feedback, run_id, score)
        except Exception:  # feedback is best effort; the local record already exists
            log.warning("could not send feedback for run %s to LangSmith", run_id, exc_info=True)

    def rate_limited(self) -> None:
        self.metrics.rate_limited.inc()


def ledger_row(reply: FinalReply, thread_id: str, author: Author) -> dict[str, Any]:
    """The turns-table row of a finished turn."""
    turn = reply.turn
    assert turn is not None
    return {
        "run_id": reply.run_id,
        "thread_id": thread_id,
        "author_id": author.id,
        "tier": turn["tier"],
        "model": turn["model"],
        "input_tokens": turn["input_tokens"],
        "output_tokens": turn["output_tokens"],
        "cost_usd": turn["cost_usd"],
        "ttft_ms": turn["ttft_ms"],
        "latency_ms": turn["latency_ms"],
        "elapsed_ms": reply.elapsed_ms,
        "outcome": turn["outcome"],
        "kb_hit": None if reply.retrieval is None else int(reply.retrieval["hit"]),
        "attempts": turn["attempts"],
        "route_reason": reply.route["reason"] if reply.route else None,
    }


@asynccontextmanager
async def open_telemetry(
    observability: ObservabilitySettings,
    ledger: TurnLedger,
    *,
    default_profile: str,
    serve_metrics: bool = True,
) -> AsyncIterator[Telemetry]:
    """Metrics endpoint (METRICS_PORT) and LangSmith client up; both stopped and flushed on exit."""
    metrics = BotMetrics()
    server = None
    if serve_metrics and observability.metrics_port is not None:
        server = MetricsServer(metrics, observability.metrics_host, observability.metrics_port)
    tracing = TurnTracing(observability, default_profile)
    try:
        yield Telemetry(ledger, metrics, tracing, server)
    finally:
        if server is not None:
            await asyncio.to_thread(server.close)
        await asyncio.to_thread(tracing.close)
