"""A local Bedrock Agent control plane: StartIngestionJob and GetIngestionJob for KB data sources.

moto has no ingestion jobs, so this speaks the REST-JSON API itself. Every request is validated
against botocore's service model (path and body together, idempotency token included), so the
real boto3 client is tested on the request AWS would receive. Point it here with
`AWS_ENDPOINT_URL_BEDROCK_AGENT`.

    with BedrockAgentEmulator() as agent:
        agent.add_data_source("KB00000001", "DS00000001")
        agent.plan("DS00000001", job(["IN_PROGRESS", "FAILED"], failures=["Access denied"]))
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.emulators.aws_model import aws_error, invalid_request, request_id
from tests.emulators.bedrock_runtime import Scripts, ThreadedEmulator, aws_env

STATISTIC_NAMES = (
    "numberOfDocumentsScanned",
    "numberOfMetadataDocumentsScanned",
    "numberOfNewDocumentsIndexed",
    "numberOfModifiedDocumentsIndexed",
    "numberOfMetadataDocumentsModified",
    "numberOfDocumentsDeleted",
    "numberOfDocumentsFailed",
    "numberOfDocumentsSkipped",
)


@dataclass
class JobPlan:
    """How one ingestion job unfolds: the status each GetIngestionJob reports, in turn."""

    statuses: list[str]
    statistics: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    start_error: str | None = None  # refuse StartIngestionJob itself (e.g. ConflictException)
    times: int | None = 1


def job(
    statuses: list[str] | None = None,
    *,
    statistics: dict[str, int] | None = None,
    failures: list[str] | None = None,
) -> JobPlan:
    return JobPlan(statuses or ["COMPLETE"], statistics or {}, failures or [])


def refuse_start(error: str) -> JobPlan:
    return JobPlan([], start_error=error)


@dataclass
class Job:
    knowledge_base_id: str
    data_source_id: str
    job_id: str
    plan: JobPlan
    started_at: str
    polls: int = 0

    def view(self, status: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "knowledgeBaseId": self.knowledge_base_id,
            "dataSourceId": self.data_source_id,
            "ingestionJobId": self.job_id,
            "status": status,
            "statistics": {name: self.plan.statistics.get(name, 0) for name in STATISTIC_NAMES},
            "startedAt": self.started_at,
            "updatedAt": _now(),
        }
        if status == "FAILED":
            body["failureReasons"] = self.plan.failures
        return body


@dataclass
class AgentRequest:
    operation: str
    params: dict[str, Any]


class BedrockAgentEmulator(ThreadedEmulator):
    """Ingestion jobs for registered data sources; unplanned jobs complete at the first poll."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[AgentRequest] = []
        self.jobs: dict[str, Job] = {}
        self._data_sources: set[tuple[str, str]] = set()
        self._plans = Scripts()

    def add_data_source(self, knowledge_base_id: str, data_source_id: str) -> None:
        self._data_sources.add((knowledge_base_id, data_source_id))

    def plan(self, data_source_id: str, *plans: JobPlan) -> None:
        """The next jobs started on this data source follow these plans, one each."""
        self._plans.set(data_source_id, plans)

    def operations(self) -> list[str]:
        return [r.operation for r in self.requests]

    def reset(self) -> None:
        self.requests.clear()
        self.jobs.clear()
        self._data_sources.clear()
        self._plans.clear()

    def env(self) -> dict[str, str]:
        env = aws_env(self.url)
        env["AWS_ENDPOINT_URL_BEDROCK_AGENT"] = env.pop("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
        return env

    def build_app(self) -> web.Application:
        app = web.Application()
        base = "/knowledgebases/{kb}/datasources/{ds}/ingestionjobs"
        app.router.add_put(base + "/", self._start)
        app.router.add_get(base + "/{job}", self._get)
        return app

    def _accept(self, operation: str, params: dict[str, Any]) -> web.Response | None:
        with self._lock:
            self.requests.append(AgentRequest(operation, params))
        problem = invalid_request("bedrock-agent", operation, params)
        if problem:
            return aws_error("ValidationException", problem)
        if (params["knowledgeBaseId"], params["dataSourceId"]) not in self._data_sources:
            return aws_error(
                "ResourceNotFoundException", f"Data source {params['dataSourceId']} not found"
            )
        return None

    async def _start(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        params = {
            "knowledgeBaseId": request.match_info["kb"],
            "dataSourceId": request.match_info["ds"],
        }
        refused = self._accept("StartIngestionJob", {**body, **params})
        if refused is not None:
            return refused
        plan = self._plans.next(params["dataSourceId"]) or job()
        if plan.start_error:
            return aws_error(plan.start_error, "An ingestion job is already running")
        started = Job(
            params["knowledgeBaseId"],
            params["dataSourceId"],
            job_id=uuid.uuid4().hex[:10].upper(),
            plan=plan,
            started_at=_now(),
        )
        self.jobs[started.job_id] = started
        return web.json_response(
            {"ingestionJob": started.view("STARTING")}, status=202, headers=request_id()
        )

    async def _get(self, request: web.Request) -> web.Response:
        params = {
            "knowledgeBaseId": request.match_info["kb"],
            "dataSourceId": request.match_info["ds"],
            "ingestionJobId": request.match_info["job"],
        }
        refused = self._accept("GetIngestionJob", params)
        if refused is not None:
            return refused
        found = self.jobs.get(params["ingestionJobId"])
        if found is None:
            return aws_error("ResourceNotFoundException", "Ingestion job not found")
        status = found.plan.statuses[min(found.polls, len(found.plan.statuses) - 1)]
        found.polls += 1
        return web.json_response({"ingestionJob": found.view(status)}, headers=request_id())


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
