"""A warning at start-up when a configured Bedrock model is Legacy or past its end of life.

Models retire: Nova Premier went Legacy on 2026-03-13 and calls to it fail after 2026-09-14. A
`.env` written earlier keeps naming such a model, and every turn routed to it then falls back
with a worse answer. So once per start, in the background, each configured Bedrock model is
looked up with the control plane's GetFoundationModel, and one warning per model names the
variable, the status and the end of life. The look-up never blocks a turn (it runs beside the
bot, in a worker thread) and a failure to look up (no `bedrock:GetFoundationModel` permission,
no network) is logged and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from community_bot.models.prices import base_model_id
from community_bot.models.probe import ProviderStatus
from community_bot.models.providers import OLLAMA
from community_bot.settings import ModelSettings
from community_bot.types import TIERS

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class LifecycleWarning:
    """A configured model Bedrock reports as Legacy, or whose end of life has passed."""

    variables: tuple[str, ...]
    model_id: str
    status: str
    end_of_life: date | None
    past_end_of_life: bool

    def message(self) -> str:
        names = ", ".join(f"{v}={self.model_id}" for v in self.variables)
        if self.past_end_of_life:
            return (
                f"{names}: past its end of life ({self.end_of_life}) on Bedrock — calls to it fail;"
                " choose an Active model (see docs/models.md)"
            )
        until = f", end of life {self.end_of_life}" if self.end_of_life else ""
        return (
            f"{names}: {self.status} on Bedrock{until} — calls will fail after its end of life;"
            " choose an Active model (see docs/models.md)"
        )


def configured_models(models: ModelSettings) -> dict[str, list[str]]:
    """Bedrock model ids in use → the variables naming them (BACKEND_MODE decides which)."""
    used: dict[str, list[str]] = {}
    mode = models.backend_mode
    if mode == "nova":
        used.setdefault(models.nova_model_id, []).append("NOVA_MODEL_ID")
    elif mode == "auto":
        for tier in TIERS:
            value = str(getattr(models, f"model_{tier}")).strip()
            if value.lower() != OLLAMA:
                used.setdefault(value, []).append(f"MODEL_{tier.upper()}")
    return used


def foundation_model_id(model_id: str) -> str | None:
    """The id GetFoundationModel knows: profiles lose their geography; other ARNs are skipped."""
    if model_id.startswith("arn:") and ":foundation-model/" not in model_id:
        return None  # provisioned, custom or application-profile models have no lifecycle here
    return base_model_id(model_id)


def check_lifecycles(
    models: ModelSettings, client: Any, *, today: date | None = None
) -> list[LifecycleWarning]:
    """Look each configured model up once; a model that cannot be looked up is skipped."""
    today = today or datetime.now(UTC).date()
    warnings = []
    for model_id, variables in configured_models(models).items():
        identifier = foundation_model_id(model_id)
        if identifier is None:
            continue
        try:
            details = client.get_foundation_model(modelIdentifier=identifier)["modelDetails"]
        except Exception as exc:  # permission, network, unknown id: say so, change nothing
            log.info("could not check the lifecycle of %s: %s", model_id, exc)
            continue
        lifecycle: Mapping[str, Any] = details.get("modelLifecycle") or {}
        status = str(lifecycle.get("status") or "ACTIVE")
        end = lifecycle.get("endOfLifeTime")
        end_date = end.date() if isinstance(end, datetime) else None
        past = end_date is not None and end_date <= today
        if status != "ACTIVE" or past:
            warnings.append(LifecycleWarning(tuple(variables), model_id, status, end_date, past))
    return warnings


def _client(models: ModelSettings) -> Any:
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=models.model_connect_timeout_seconds,
        read_timeout=LOOKUP_TIMEOUT_S,
        user_agent_extra="community-bot",
    )
    return boto3.Session(region_name=models.aws_region).client("bedrock", config=config)


async def warn_about_lifecycles(
    models: ModelSettings, client_factory: Callable[[ModelSettings], Any] = _client
) -> list[LifecycleWarning]:
    """Check in a worker thread and log one warning per retiring model."""

    def check() -> list[LifecycleWarning]:
        return check_lifecycles(models, client_factory(models))

    warnings = await asyncio.to_thread(check)
    for warning in warnings:
        log.warning("%s", warning.message())
    return warnings


def start_lifecycle_check(
    models: ModelSettings, availability: Mapping[str, ProviderStatus]
) -> asyncio.Task[list[LifecycleWarning]] | None:
    """The background check, when the start-up probe found Bedrock usable for a configured model;
    the caller cancels it on shutdown (`stop_lifecycle_check`)."""
    status = availability.get("bedrock")
    if status is None or not status.usable or not configured_models(models):
        return None
    return asyncio.create_task(warn_about_lifecycles(models), name="model-lifecycle-check")


async def stop_lifecycle_check(task: asyncio.Task[list[LifecycleWarning]]) -> None:
    """Cancel a check still running at shutdown; its outcome no longer matters."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)  # a cancellation of ours still propagates
