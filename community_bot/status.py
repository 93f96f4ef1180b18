"""What `/status` and `config show` report about a running bot: each tier's model and its state."""

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
class StatusReport:
    """What `/status` prints."""

    models: list[ModelStatus]
    knowledge_sources: list[str]
    started_at: datetime
    cost_today_usd: float
    turns_today: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def uptime_seconds(self) -> float:
        return (datetime.now(UTC) - self.started_at).total_seconds()
