"""Ask Bedrock to ingest the data source the agents write to, and wait (bounded) for the result.

StartIngestionJob, then GetIngestionJob every few seconds until COMPLETE, FAILED or STOPPED, or
until SOURCE_AGENTS_INGESTION_TIMEOUT_SECONDS; a job still running then goes on in AWS and is
reported as such. Blocking calls run in a thread so the bot keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from community_bot.models.providers import classify
from community_bot.settings import SourceAgentSettings

FINISHED = frozenset({"COMPLETE", "FAILED", "STOPPED"})
NOT_STARTED = "NOT_STARTED"
HINTS = {
    "ConflictException": "another ingestion job is running on this data source; the next sync"
    " ingests these changes",
    "AccessDeniedException": "allow bedrock:StartIngestionJob and bedrock:GetIngestionJob",
    "ResourceNotFoundException": "check SOURCE_AGENTS_DATA_SOURCE_ID and its knowledge base id",
}


@dataclass(frozen=True)
class IngestionOutcome:
    """How the ingestion job went: its final (or last seen) status, statistics and reasons."""

    knowledge_base_id: str
    data_source_id: str
    status: str
    job_id: str | None = None
    statistics: dict[str, int] = field(default_factory=dict)
    failure_reasons: list[str] = field(default_factory=list)
    error: str | None = None
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "COMPLETE"

    def summary(self) -> str:
        where = f"ingestion job {self.job_id or '(not started)'} on {self.data_source_id}"
        text = f"{where}: {self.status} in {self.duration_s:.1f} s"
        if self.statistics:
            shown = ("NewDocumentsIndexed", "ModifiedDocumentsIndexed", "DocumentsDeleted")
            counts = ", ".join(
                f"{name[0].lower()}{name[1:]} {self.statistics.get('numberOf' + name, 0)}"
                for name in (*shown, "DocumentsFailed")
            )
            text += f" ({counts})"
        if self.failure_reasons:
            text += "; failure reasons: " + " | ".join(self.failure_reasons)
        if self.error:
            text += f"; {self.error}"
        return text


class Ingestion:
    def __init__(
        self,
        client: Any,
        knowledge_base_id: str,
        data_source_id: str,
        *,
        timeout_s: float,
        poll_interval_s: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.knowledge_base_id = knowledge_base_id
        self.data_source_id = data_source_id
        self._timeout_s = timeout_s
        self._poll_interval_s = poll_interval_s
        self._sleep = sleep
        self._clock = clock

    @classmethod
    def from_settings(
        cls, agents: SourceAgentSettings, *, knowledge_base_id: str | None, aws_region: str | None
    ) -> Ingestion | None:
        """Ingestion of SOURCE_AGENTS_DATA_SOURCE_ID, or None when it is not set.
        `knowledge_base_id` is the data source's knowledge base (`ingestion_knowledge_base_id`
        of the settings: SOURCE_AGENTS_KNOWLEDGE_BASE_ID, else the first KNOWLEDGE_BASE_ID);
        `aws_region` is AWS_REGION (None: the AWS chain's)."""
        data_source = agents.source_agents_data_source_id
        knowledge_base = knowledge_base_id
        if not data_source or not knowledge_base:
            return None
        import boto3  # type: ignore[import-untyped, unused-ignore]
        from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

        client = boto3.Session(region_name=aws_region).client(
            "bedrock-agent", config=Config(retries={"mode": "standard", "total_max_attempts": 3})
        )
        return cls(
            client,
            knowledge_base,
            data_source,
            timeout_s=agents.source_agents_ingestion_timeout_seconds,
            poll_interval_s=agents.source_agents_ingestion_poll_seconds,
        )

    async def run(self) -> IngestionOutcome:
        started = self._clock()
        ids = {"knowledgeBaseId": self.knowledge_base_id, "dataSourceId": self.data_source_id}
        try:
            answer = await asyncio.to_thread(
                self._client.start_ingestion_job, **ids, description="community-bot source agents"
            )
        except Exception as exc:
            return self._outcome(NOT_STARTED, started, error=_explain(exc))
        job = answer["ingestionJob"]
        while job["status"] not in FINISHED:
            if self._clock() - started >= self._timeout_s:
                return self._outcome(
                    job["status"],
                    started,
                    job,
                    error=f"still {job['status']} after {self._timeout_s:g} s; it goes on in AWS",
                )
            await self._sleep(self._poll_interval_s)
            try:
                answer = await asyncio.to_thread(
                    self._client.get_ingestion_job, **ids, ingestionJobId=job["ingestionJobId"]
                )
            except Exception as exc:
                return self._outcome(job["status"], started, job, error=_explain(exc))
            job = answer["ingestionJob"]
        return self._outcome(job["status"], started, job)

    def _outcome(
        self,
        status: str,
        started: float,
        job: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> IngestionOutcome:
        job = job or {}
        return IngestionOutcome(
            knowledge_base_id=self.knowledge_base_id,
            data_source_id=self.data_source_id,
            status=status,
            job_id=job.get("ingestionJobId"),
            statistics=dict(job.get("statistics", {})),
            failure_reasons=list(job.get("failureReasons", [])),
            error=error,
            duration_s=self._clock() - started,
        )


def _explain(exc: Exception) -> str:
    reason = classify(exc).reason
    hint = next((text for key, text in HINTS.items() if reason.startswith(key)), "")
    return f"{reason}; {hint}" if hint else reason
