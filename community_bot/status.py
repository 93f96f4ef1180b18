"""What `/status` and `config show` report about a running bot: each tier's model and its state,
and each provider's live health."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class ModelStatus:
    """One tier as `/status` shows it."""

    tier: str
    model: str
    available: bool
    note: str = ""


@dataclass(frozen=True)
class ProviderState:
    """One model provider's live health, as its circuit breaker sees it."""

    provider: str
    state: str  # closed (healthy), open (skipped until retry_in_s), half-open (next turn tries)
    detail: str
    retry_in_s: float = 0.0

    def line(self) -> str:
        """`bedrock: open (connection refused), retried in 12 s` — for /status and config show."""
        label = {"closed": "healthy", "open": "down", "half-open": "retrying"}.get(
            self.state, self.state
        )
        retry = f", tried again in {self.retry_in_s:.0f} s" if self.state == "open" else ""
        return f"{self.provider}: {label} ({self.detail}){retry}"


@dataclass(frozen=True)
class StatusReport:
    """What `/status` prints."""

    models: list[ModelStatus]
    knowledge_sources: list[str]
    started_at: datetime
    cost_today_usd: float
    turns_today: int = 0
    notes: list[str] = field(default_factory=list)
    providers: list[ProviderState] = field(default_factory=list)

    @property
    def uptime_seconds(self) -> float:
        return (datetime.now(UTC) - self.started_at).total_seconds()
