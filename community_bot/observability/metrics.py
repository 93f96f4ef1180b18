"""Prometheus metrics of turns, models, the knowledge base, rate limits and feedback.

Each app owns its `CollectorRegistry` (never the process-wide default), so two apps in one
process, as in the tests, count separately. Labels stay low-cardinality: tiers, model ids,
outcomes, and failure *kinds* ("ThrottlingException (429)"), never free text or user ids.

Useful queries (the `_total` suffix is added by the exposition format):
    KB hit rate      sum(rate(community_bot_kb_searches_total{result="hit"}[1h]))
                     / sum(rate(community_bot_kb_searches_total[1h]))
    p95 first token  histogram_quantile(0.95,
                       sum by (le) (rate(community_bot_time_to_first_token_seconds_bucket[1h])))
    spend per model  increase(community_bot_cost_usd_total[1d])
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from community_bot.errors import ConfigError
from community_bot.status import ProviderState
from community_bot.turns import FinalReply

CIRCUIT_STATES = ("closed", "half-open", "open")

log = logging.getLogger(__name__)

FIRST_TOKEN_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)


def failure_kind(attempt: str) -> tuple[str, str]:
    """(model, kind) from a turn's "model: reason" entry, the kind without its free-text detail."""
    model, _, reason = attempt.partition(": ")
    return model, reason.split(":", 1)[0].strip() or "unknown"


class BotMetrics:
    """The bot's counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.turns = Counter(
            "community_bot_turns",
            "Answered turns by the tier and model that answered and the outcome.",
            ["tier", "model", "outcome"],
            registry=registry,
        )
        self.turn_errors = Counter(
            "community_bot_turn_errors",
            "Turns that failed with an exception instead of a reply, by exception type.",
            ["kind"],
            registry=registry,
        )
        self.model_failures = Counter(
            "community_bot_model_failures",
            "Failed model attempts (each retry counts), by model and failure kind.",
            ["model", "kind"],
            registry=registry,
        )
        self.fallbacks = Counter(
            "community_bot_fallbacks",
            "Turns answered by a later link of the fallback chain (or the docs) after failures.",
            ["answered_by"],
            registry=registry,
        )
        self.tokens = Counter(
            "community_bot_tokens",
            "Model tokens by model and direction (input, output).",
            ["model", "direction"],
            registry=registry,
        )
        self.cost = Counter(
            "community_bot_cost_usd",
            "Model spend in US dollars by model.",
            ["model"],
            registry=registry,
        )
        self.first_token = Histogram(
            "community_bot_time_to_first_token_seconds",
            "From the start of generation to the first streamed token, by model.",
            ["model"],
            buckets=FIRST_TOKEN_BUCKETS,
            registry=registry,
        )
        self.model_latency = Histogram(
            "community_bot_model_latency_seconds",
            "Model generation time including retries and fallbacks, by model.",
            ["model"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.turn_duration = Histogram(
            "community_bot_turn_duration_seconds",
            "Whole turn, from the message to the finished reply, by answering tier.",
            ["tier"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.kb_searches = Counter(
            "community_bot_kb_searches",
            "Knowledge-base searches by result (hit, miss).",
            ["result"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "community_bot_rate_limited",
            "Messages refused because their author exceeded the rate limit.",
            registry=registry,
        )
        self.feedback = Counter(
            "community_bot_feedback",
            "Reactions on answers by vote (up, down) and the model that answered.",
            ["vote", "model"],
            registry=registry,
        )

    def watch_providers(self, read: Callable[[], Sequence[ProviderState]]) -> None:
        """Export each provider's live circuit state, read at every scrape."""
        self.registry.register(_ProviderCollector(read))

    def observe_turn(self, reply: FinalReply) -> None:
        """Count one finished turn: outcome, tokens, cost, timings, failures, KB result."""
        turn = reply.turn
        if reply.retrieval is not None:
            self.kb_searches.labels("hit" if reply.retrieval["hit"] else "miss").inc()
        if turn is None:
            return
        model, tier = turn["model"], turn["tier"] or "none"
        self.turns.labels(tier, model, turn["outcome"]).inc()
        self.turn_duration.labels(tier).observe(reply.elapsed_ms / 1000)
        for attempt in turn["attempts"]:
            self.model_failures.labels(*failure_kind(attempt)).inc()
        # A cut answer's last failure is its own model breaking off, not a fallback.
        failures_before_answer = len(turn["attempts"]) - (turn["outcome"] == "cut")
        if failures_before_answer > 0:
            self.fallbacks.labels(model).inc()
        if turn["input_tokens"] or turn["output_tokens"]:
            self.tokens.labels(model, "input").inc(turn["input_tokens"])
            self.tokens.labels(model, "output").inc(turn["output_tokens"])
        if turn["cost_usd"]:
            self.cost.labels(model).inc(turn["cost_usd"])
        if turn["ttft_ms"] is not None:
            self.first_token.labels(model).observe(turn["ttft_ms"] / 1000)
        if turn["outcome"] != "retrieval_only":
            self.model_latency.labels(model).observe(turn["latency_ms"] / 1000)

    def turn_failed(self, error: BaseException) -> None:
        self.turn_errors.labels(type(error).__name__).inc()

    def vote(self, score: int, model: str | None) -> None:
        vote = "up" if score > 0 else "down" if score < 0 else "retracted"
        self.feedback.labels(vote, model or "unknown").inc()


class _ProviderCollector(Collector):
    """`community_bot_provider_circuit{provider, state}`: 1 for the provider's current state."""

    def __init__(self, read: Callable[[], Sequence[ProviderState]]) -> None:
        self._read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "community_bot_provider_circuit",
            "Each model provider's circuit breaker: 1 for its current state (closed = healthy,"
            " open = skipped until its cool-down ends, half-open = the next turn tries it).",
            labels=["provider", "state"],
        )
        for provider in self._read():
            for state in CIRCUIT_STATES:
                family.add_metric([provider.provider, state], float(provider.state == state))
        yield family


class MetricsServer:
    """The `/metrics` endpoint on METRICS_HOST:METRICS_PORT, served from a daemon thread."""

    def __init__(self, metrics: BotMetrics, host: str, port: int) -> None:
        try:
            self._server, self._thread = start_http_server(port, host, metrics.registry)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConfigError([f"METRICS_PORT: cannot listen on {host}:{port}: {reason}"]) from None
        log.info("Prometheus metrics at http://%s:%d/metrics", host, self.port)

    @property
    def port(self) -> int:
        """The bound port (the one the OS chose when METRICS_PORT=0)."""
        return int(self._server.server_port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
