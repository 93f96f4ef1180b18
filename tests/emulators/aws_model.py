"""What makes the AWS emulators faithful: botocore's own service models and AWS's error shape.

A request the emulator accepts is one the real service model accepts (same validator the SDK
runs client-side), so a test cannot pass by sending something AWS would refuse.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

import botocore.session  # type: ignore[import-untyped, unused-ignore]
from aiohttp import web
from botocore.validate import ParamValidator  # type: ignore[import-untyped, unused-ignore]

from tests.emulators.bedrock_runtime import ERROR_STATUS

AWS_ERROR_STATUS = {**ERROR_STATUS, "ConflictException": 409}


@cache
def service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def invalid_request(service: str, operation: str, params: dict[str, Any]) -> str | None:
    """Why `params` (URI and body members together) break the operation's input shape, or None."""
    shape = service_model(service).operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    return report.generate_report() if report.has_errors() else None


def aws_error(name: str, message: str) -> web.Response:
    """An error as the REST-JSON AWS services send it: status, `x-amzn-ErrorType`, `message`."""
    return web.json_response(
        {"message": message},
        status=AWS_ERROR_STATUS[name],
        headers={"x-amzn-ErrorType": name, "x-amzn-RequestId": str(uuid.uuid4())},
    )


def request_id() -> dict[str, str]:
    return {"x-amzn-RequestId": str(uuid.uuid4())}
