"""Amazon Bedrock AgentCore Runtime's data plane: `InvokeAgentRuntime`, as botocore models it.

`POST /runtimes/{agentRuntimeArn}/invocations` with the payload as the body and the session in
`X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`. Like the real service, the emulator forwards the
payload to the runtime's container (`POST /invocations` with the same session header) and
streams the container's answer back, so boto3 talks to it unmodified
(`AWS_ENDPOINT_URL_BEDROCK_AGENTCORE = .url`) and the container is the real SDK app. Requests
are checked against botocore's model of the operation; an unknown ARN is a
ResourceNotFoundException; a container that cannot be reached is a RuntimeClientError (424).

    with AgentCoreRuntimeEmulator({ARN: "http://127.0.0.1:8080"}) as service: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import aiohttp
from aiohttp import web

from tests.emulators.aws_model import AWS_ERROR_STATUS, aws_error, invalid_request
from tests.emulators.bedrock_runtime import ThreadedEmulator

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
AWS_ERROR_STATUS.setdefault("RuntimeClientError", 424)


@dataclass
class Invocation:
    """One InvokeAgentRuntime call as the service saw it."""

    arn: str
    session_id: str | None
    payload: bytes


class AgentCoreRuntimeEmulator(ThreadedEmulator):
    """InvokeAgentRuntime in front of runtime containers, one URL per runtime ARN."""

    def __init__(self, runtimes: dict[str, str]) -> None:
        super().__init__()
        self.runtimes = dict(runtimes)
        self.invocations: list[Invocation] = []

    def env(self, region: str = "us-east-1") -> dict[str, str]:
        """What boto3 needs to call this emulator: endpoint, region, dummy credentials."""
        return {
            "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE": self.url,
            "AWS_REGION": region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/runtimes/{arn:.+}/invocations", self._invoke)
        return app

    async def _invoke(self, request: web.Request) -> web.StreamResponse:
        arn = unquote(request.match_info["arn"])
        session = request.headers.get(SESSION_HEADER)
        payload = await request.read()
        params: dict[str, Any] = {"agentRuntimeArn": arn, "payload": payload}
        if session is not None:
            params["runtimeSessionId"] = session
        if problem := invalid_request("bedrock-agentcore", "InvokeAgentRuntime", params):
            return aws_error("ValidationException", problem)
        with self._lock:
            self.invocations.append(Invocation(arn, session, payload))
        container = self.runtimes.get(arn)
        if container is None:
            return aws_error("ResourceNotFoundException", f"No agent runtime found for {arn}")
        headers = {
            "Content-Type": request.headers.get("Content-Type", "application/json"),
            "Accept": request.headers.get("Accept", "*/*"),
        }
        if session is not None:
            headers[SESSION_HEADER] = session
        try:
            async with (
                aiohttp.ClientSession() as client,
                client.post(f"{container}/invocations", data=payload, headers=headers) as answer,
            ):
                if answer.status >= 400:
                    body = await answer.text()
                    return aws_error(
                        "RuntimeClientError", f"runtime answered {answer.status}: {body}"
                    )
                response = web.StreamResponse(
                    headers={"Content-Type": answer.headers.get("Content-Type", "application/json")}
                )
                if session is not None:
                    response.headers[SESSION_HEADER] = session
                await response.prepare(request)
                async for chunk in answer.content.iter_any():
                    await response.write(chunk)
                await response.write_eof()
                return response
        except aiohttp.ClientConnectionError as exc:
            return aws_error("RuntimeClientError", f"the runtime could not be reached: {exc}")
