"""What one sync did, per agent and for the ingestion job: for logs, `kb sync` and `/status`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from community_bot.kb.agents.ingestion import IngestionOutcome
from community_bot.kb.agents.s3_mirror import MirrorReport
from community_bot.kb.sources import IndexReport


@dataclass(frozen=True)
class AgentReport:
    """One agent's run. `index` and `mirror` say what the local index and S3 changed, None when
    that step did not happen (not configured, or an earlier step failed). A failed collection
    leaves the agent's earlier documents untouched in both."""

    agent_id: str
    kind: str
    documents: int = 0
    index: IndexReport | None = None
    mirror: MirrorReport | None = None
    skipped: list[str] = field(default_factory=list)
    error: str | None = None
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        head = f"{self.agent_id} ({self.kind})"
        if self.error:
            return f"{head}: FAILED after {self.duration_s:.2f} s: {self.error}"
        parts = [f"{self.documents} documents"]
        if self.index is not None:
            i = self.index
            parts.append(f"index +{i.added} ~{i.updated} -{i.removed} ({i.unchanged} unchanged)")
        if self.mirror is not None:
            m = self.mirror
            parts.append(f"S3 {m.written} written, {m.deleted} deleted, {m.unchanged} unchanged")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped ({'; '.join(self.skipped[:3])})")
        return f"{head}: {', '.join(parts)} in {self.duration_s:.2f} s"


@dataclass(frozen=True)
class SyncReport:
    """A run of some agents and, when S3 changed, the ingestion job that followed."""

    agents: list[AgentReport]
    ingestion: IngestionOutcome | None = None

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.agents) and (self.ingestion is None or self.ingestion.ok)

    def lines(self) -> list[str]:
        lines = [report.summary() for report in self.agents]
        if self.ingestion is not None:
            lines.append(self.ingestion.summary())
        return lines

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
