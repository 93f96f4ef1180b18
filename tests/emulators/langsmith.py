"""A local LangSmith API: what the `langsmith` client sends when it traces runs and feedback.

The real `langsmith.Client` talks to it unmodified through LANGSMITH_ENDPOINT = `.url`:

- `GET /info` advertises multipart ingestion with zstd compression, as LangSmith does, so the
  client takes its production path;
- `POST /runs/multipart` (plain or `Content-Encoding: zstd`) carries `post.<id>`, `patch.<id>`
  and their `.inputs`/`.outputs`/`.extra`/`.events`/`.error`/`.serialized` parts, and
  `feedback.<id>` parts; `POST /runs/batch` is the JSON fallback;
- `POST /feedback` is direct feedback; `GET /sessions?name=` finds a project by name (projects
  appear when runs arrive for them).

Runs are merged (post, then patches) into `runs`; every request is logged in `requests`, so a
test can also prove that nothing at all arrived.

    with LangSmithEmulator() as langsmith:
        ...  # LANGSMITH_ENDPOINT=langsmith.url
        root = langsmith.root_runs()[0]
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import zstandard
from aiohttp import web

from tests.emulators.bedrock_runtime import ThreadedEmulator

INFO = {
    "version": "0.12.0",
    "license_expiration_time": None,
    "batch_ingest_config": {
        "use_multipart_endpoint": True,
        "scale_up_qsize_trigger": 1000,
        "scale_up_nthreads_limit": 16,
        "scale_down_nempty_trigger": 4,
        "size_limit": 100,
        "size_limit_bytes": 20_971_520,
    },
    "instance_flags": {"zstd_compression_enabled": True},
}
TENANT_ID = "00000000-0000-4000-8000-000000000001"
RUN_PARTS = ("inputs", "outputs", "events", "extra", "error", "serialized")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    api_key: str | None
    content_encoding: str | None


class LangSmithEmulator(ThreadedEmulator):
    """The slice of LangSmith's API that tracing and feedback use."""

    auto_decompress = False  # zstd bodies are inflated here, as LangSmith does

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Request] = []
        self.runs: dict[str, dict[str, Any]] = {}
        self.feedback: list[dict[str, Any]] = []
        self.projects: dict[str, str] = {}  # name -> id
        self._data_lock = threading.Lock()

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._log_request], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/info", self._info)
        app.router.add_post("/runs/multipart", self._multipart)
        app.router.add_post("/runs/batch", self._batch)
        app.router.add_post("/feedback", self._feedback)
        app.router.add_get("/sessions", self._sessions)
        return app

    # --- what tests read ------------------------------------------------------------------

    def root_runs(self) -> list[dict[str, Any]]:
        with self._data_lock:
            return [run for run in self.runs.values() if not run.get("parent_run_id")]

    def children_of(self, run_id: str) -> list[dict[str, Any]]:
        with self._data_lock:
            return [run for run in self.runs.values() if run.get("parent_run_id") == run_id]

    # --- handlers -------------------------------------------------------------------------

    @web.middleware
    async def _log_request(self, request: web.Request, handler: Any) -> web.StreamResponse:
        with self._data_lock:
            self.requests.append(
                Request(
                    request.method,
                    request.path,
                    request.headers.get("x-api-key"),
                    request.headers.get("Content-Encoding"),
                )
            )
        response: web.StreamResponse = await handler(request)
        return response

    async def _info(self, _request: web.Request) -> web.Response:
        return web.json_response(INFO)

    async def _multipart(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("Content-Encoding") == "zstd":
            reader = zstandard.ZstdDecompressor().stream_reader(
                io.BytesIO(body), read_across_frames=True
            )
            body = reader.read()
        boundary = re.search(r"boundary=\"?([^\";]+)", request.headers["Content-Type"])
        if boundary is None:
            return web.json_response({"detail": "no multipart boundary"}, status=400)
        for name, payload in _parts(body, boundary.group(1).encode()):
            self._apply_part(name, json.loads(payload) if payload else None)
        return web.json_response({}, status=202)

    async def _batch(self, request: web.Request) -> web.Response:
        body = await request.json()
        for operation in ("post", "patch"):
            for run in body.get(operation) or []:
                self._merge_run(str(run["id"]), run)
        return web.json_response({}, status=202)

    async def _feedback(self, request: web.Request) -> web.Response:
        feedback = await request.json()
        with self._data_lock:
            self.feedback.append(feedback)
        return web.json_response({**feedback, "id": feedback.get("id") or str(uuid.uuid4())})

    async def _sessions(self, request: web.Request) -> web.Response:
        name = request.query.get("name")
        with self._data_lock:
            found = [(n, i) for n, i in self.projects.items() if name is None or n == name]
        return web.json_response(
            [
                {
                    "id": project_id,
                    "name": project_name,
                    "tenant_id": TENANT_ID,
                    "start_time": datetime.now(UTC).isoformat(),
                    "reference_dataset_id": None,
                }
                for project_name, project_id in found
            ]
        )

    # --- state ----------------------------------------------------------------------------

    def _apply_part(self, name: str, value: Any) -> None:
        kind, _, rest = name.partition(".")
        if kind == "feedback":
            with self._data_lock:
                self.feedback.append(value)
            return
        if kind not in ("post", "patch"):
            return  # attachments are stored by LangSmith, not needed here
        run_id, _, field = rest.partition(".")
        if field in RUN_PARTS:
            self._merge_run(run_id, {field: value})
        elif not field:
            self._merge_run(run_id, value)

    def _merge_run(self, run_id: str, fields: dict[str, Any]) -> None:
        with self._data_lock:
            run = self.runs.setdefault(run_id, {"id": run_id})
            run.update({key: value for key, value in fields.items() if value is not None})
            if project := run.get("session_name"):
                self.projects.setdefault(str(project), str(uuid.uuid5(uuid.NAMESPACE_URL, project)))


def _parts(body: bytes, boundary: bytes) -> list[tuple[str, bytes]]:
    """(name, payload) of each part of a multipart/form-data body."""
    parts = []
    for chunk in body.split(b"--" + boundary):
        if not chunk.strip() or chunk.strip() == b"--":
            continue
        head, _, payload = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if name is not None:
            parts.append((name.group(1).decode(), payload))
    return parts
