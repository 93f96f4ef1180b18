"""The one place Bedrock and Ollama chat models are built from settings, and their errors named.

Retries live in the gateway, not here: the boto3 client is told to make exactly one attempt
(`total_max_attempts=1`; botocore's `max_attempts` counts retries, so `max_attempts=1` still
sends two requests) and the Ollama client never retries. That keeps one bounded, jittered
policy for both providers and lets every attempt show up in the turn record.

Bedrock clients come from the standard AWS chain (environment, profile, SSO, instance role) and
honour `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` / `AWS_ENDPOINT_URL` by themselves, which is how tests
and benchmarks point them at the emulator.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import urllib3
from langchain_core.exceptions import ContextOverflowError
from langchain_core.language_models import BaseChatModel

from community_bot.settings import ModelSettings

Provider = Literal["bedrock", "ollama"]
READ_TIMEOUT_MARGIN_S = 2.0  # the turn's own deadline fires first and names itself
OLLAMA = "ollama"  # the MODEL_* value that means "OLLAMA_MODEL"

# Bedrock error codes worth another try: the service, not the request, is at fault.
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ServiceUnavailableException",
        "ModelTimeoutException",
        "InternalServerException",
        "ModelNotReadyException",
        "ModelStreamErrorException",
    }
)


@dataclass(frozen=True)
class ModelSpec:
    """One concrete model: which provider serves it and the id sent on the wire."""

    provider: Provider
    model_id: str

    @property
    def name(self) -> str:
        """How the model appears in results, logs and the ledger."""
        return f"ollama/{self.model_id}" if self.provider == "ollama" else self.model_id


def resolve_model(value: str, models: ModelSettings) -> ModelSpec | None:
    """A MODEL_* value as a model: `ollama` means OLLAMA_MODEL (None when unset), `ollama:NAME`
    and `bedrock:ID` name their provider, anything else is a Bedrock id (settings checked it)."""
    value = value.strip()
    if value.lower() == OLLAMA:
        return ModelSpec("ollama", models.ollama_model) if models.ollama_model else None
    prefix, colon, rest = value.partition(":")
    if colon and prefix.lower() == "ollama":
        return ModelSpec("ollama", rest.strip())
    if colon and prefix.lower() == "bedrock":
        return ModelSpec("bedrock", rest.strip())
    return ModelSpec("bedrock", value)


Trouble = Literal["unreachable", "throttled", "timed out", "failing", "not configured"]


@dataclass(frozen=True)
class Failure:
    """Why an attempt failed, whether the same model deserves another try, and what it says
    about the provider's health (`trouble`; `health=False`: the request was at fault)."""

    reason: str
    retryable: bool
    trouble: Trouble = "failing"
    health: bool = True


def classify(exc: BaseException) -> Failure:
    """Name a provider error briefly and decide retry (throttling, 5xx, timeouts) or move on."""
    from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        ReadTimeoutError,
    )
    from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
        ConnectTimeoutError as BotoConnectTimeout,
    )
    from ollama import ResponseError

    if isinstance(exc, ContextOverflowError):
        return Failure(
            "prompt longer than the model's context window", retryable=False, health=False
        )
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        code = code[:1].upper() + code[1:]  # in-stream exceptions arrive as `throttlingException`
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = _short(str(error.get("Message") or ""))
        where = f"{code} ({status})" if status else code
        retryable = code in RETRYABLE_CODES or (isinstance(status, int) and status >= 500)
        throttled = code in {"ThrottlingException", "ServiceQuotaExceededException"}
        return Failure(
            f"{where}: {message}" if message else where,
            retryable,
            "throttled" if throttled else "failing",
            health=code != "ValidationException",
        )
    if isinstance(exc, ResponseError):
        status = exc.status_code
        message = _short(str(exc.error))
        if status == 404:
            return Failure(f"not found (404): {message}", retryable=False)
        retryable = status in (-1, 408, 429) or status >= 500
        where = f"error ({status})" if status > 0 else "error in stream"
        trouble: Trouble = "throttled" if status == 429 else "failing"
        return Failure(f"{where}: {message}", retryable, trouble)
    if isinstance(exc, BotoConnectTimeout | httpx.ConnectTimeout):
        return Failure("connect timed out", retryable=True, trouble="unreachable")
    if isinstance(exc, ReadTimeoutError | httpx.TimeoutException | asyncio.TimeoutError):
        return Failure("timed out waiting for the model", retryable=True, trouble="timed out")
    if isinstance(exc, EndpointConnectionError | httpx.ConnectError | ConnectionRefusedError):
        return Failure("connection refused", retryable=True, trouble="unreachable")
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return Failure("timed out waiting for the model", retryable=True, trouble="timed out")
    if isinstance(
        exc,
        ConnectionClosedError
        | httpx.TransportError
        | ConnectionError
        | urllib3.exceptions.HTTPError,
    ):
        return Failure(
            f"connection broken: {_short(str(exc))}", retryable=True, trouble="unreachable"
        )
    if isinstance(exc, NoCredentialsError):
        return Failure("no AWS credentials", retryable=False, trouble="not configured")
    if isinstance(exc, NoRegionError):
        return Failure("no AWS region", retryable=False, trouble="not configured")
    if isinstance(exc, BotoCoreError):
        return Failure(f"{type(exc).__name__}: {_short(str(exc))}", retryable=False)
    return Failure(f"{type(exc).__name__}: {_short(str(exc))}", retryable=False)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChatModels:
    """Builds each chat model once, sharing one pair of boto3 clients across Bedrock models."""

    def __init__(self, models: ModelSettings, *, connect_timeout_s: float | None = None) -> None:
        self._config = models
        if connect_timeout_s is None:
            connect_timeout_s = models.model_connect_timeout_seconds
        self._connect_timeout_s = min(connect_timeout_s, models.model_timeout_seconds)
        self._models: dict[ModelSpec, BaseChatModel] = {}
        self._bedrock: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def get(self, spec: ModelSpec) -> BaseChatModel:
        """The chat model for a spec; built on first use (no network is touched to build it)."""
        with self._lock:
            model = self._models.get(spec)
            if model is None:
                model = self._build(spec)
                self._models[spec] = model
            return model

    def _build(self, spec: ModelSpec) -> BaseChatModel:
        models = self._config
        if spec.provider == "ollama":
            from langchain_ollama import ChatOllama

            timeout = httpx.Timeout(models.model_timeout_seconds, connect=self._connect_timeout_s)
            chat: BaseChatModel = ChatOllama(
                model=spec.model_id,
                base_url=models.ollama_base_url,
                client_kwargs={"timeout": timeout},
            )
            return chat
        from langchain_aws import ChatBedrockConverse

        runtime, control = self._bedrock_clients()
        return ChatBedrockConverse(
            model_id=spec.model_id,
            client=runtime,
            bedrock_client=control,
            temperature=models.nova_temperature,
            max_tokens=models.nova_max_tokens,
            top_p=models.nova_top_p,
        )

    def _bedrock_clients(self) -> tuple[Any, Any]:
        """One runtime client (calls) and one control-plane client (inference profile look-ups)."""
        if self._bedrock is None:
            import boto3  # type: ignore[import-untyped, unused-ignore]
            from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

            config = Config(
                retries={"total_max_attempts": 1, "mode": "standard"},
                connect_timeout=self._connect_timeout_s,
                # The turn's deadline cancels the wait, but boto3 reads on a worker thread that
                # only a read timeout frees: past TURN_TIMEOUT_SECONDS it would hold the process
                # open (a terminal `ask` could not exit) for nothing.
                read_timeout=min(
                    self._config.model_timeout_seconds,
                    self._config.turn_timeout_seconds + READ_TIMEOUT_MARGIN_S,
                ),
                max_pool_connections=32,
                user_agent_extra="community-bot",
            )
            session = boto3.Session(region_name=self._config.aws_region)
            self._bedrock = (
                session.client("bedrock-runtime", config=config),
                session.client("bedrock", config=config),
            )
        return self._bedrock
