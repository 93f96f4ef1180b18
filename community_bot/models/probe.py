"""Start-up checks of which providers can answer at all, cheap and bounded in time.

A provider that cannot work (no AWS credentials, Ollama not running, model not pulled) starts
with its circuit open (`health`), so turns skip it instead of each paying a failed attempt, until
the cool-down passes and a turn tries it again. Nothing here calls a model: Bedrock needs
resolvable credentials and a region, Ollama a reachable `/api/tags` listing OLLAMA_MODEL. A probe
that runs out of time has decided nothing (`undecided`): on a loaded machine importing boto3
alone can take seconds, and that must never switch Bedrock off.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from community_bot.models.providers import Provider
from community_bot.settings import ModelSettings


@dataclass(frozen=True)
class ProviderStatus:
    """Whether a provider can be used, and a few words on why (for the start-up log line)."""

    provider: Provider
    usable: bool
    detail: str
    undecided: bool = False  # ran out of time: the provider stays in use, the first call decides


async def probe_bedrock(models: ModelSettings, *, timeout_s: float = 2.0) -> ProviderStatus:
    """Credentials resolvable through the standard AWS chain, and a region to call."""
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(_resolve_bedrock, models, timeout_s), timeout_s * 2
        )
    except TimeoutError:
        return ProviderStatus(
            "bedrock",
            True,
            f"AWS credentials still resolving after {timeout_s * 2:g} s (the first call decides)",
            undecided=True,
        )


def _resolve_bedrock(models: ModelSettings, timeout_s: float) -> ProviderStatus:
    import boto3  # type: ignore[import-untyped, unused-ignore]
    import botocore.session  # type: ignore[import-untyped, unused-ignore]

    core = botocore.session.Session()
    # An instance-metadata lookup off EC2 would otherwise wait about a second per try.
    core.set_config_variable("metadata_service_timeout", timeout_s)
    core.set_config_variable("metadata_service_num_attempts", 1)
    try:
        session = boto3.Session(botocore_session=core, region_name=models.aws_region)
        found: Any = session.get_credentials()
        frozen: Any = found.get_frozen_credentials() if found is not None else None
    except Exception as exc:  # a broken profile or expired SSO session, named for the log
        return ProviderStatus("bedrock", False, f"AWS credentials unusable ({exc})")
    if frozen is None or not frozen.access_key:
        return ProviderStatus("bedrock", False, "no AWS credentials")
    if not session.region_name:
        return ProviderStatus("bedrock", False, "no AWS region (set AWS_REGION)")
    method = getattr(found, "method", None) or "AWS chain"
    return ProviderStatus("bedrock", True, f"region {session.region_name}, credentials: {method}")


async def probe_ollama(models: ModelSettings, *, timeout_s: float = 2.0) -> ProviderStatus:
    """The server answers `/api/tags` and lists OLLAMA_MODEL."""
    model = models.ollama_model
    if not model:
        return ProviderStatus("ollama", False, "OLLAMA_MODEL not set")
    url = models.ollama_base_url.rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(f"{url}/api/tags")
            response.raise_for_status()
            listed = response.json().get("models", [])
    except httpx.ConnectError:
        return ProviderStatus("ollama", False, f"unreachable at {url} (connection refused)")
    except httpx.TimeoutException:  # a busy machine or a model loading: nothing is decided
        detail = f"no answer from {url} within {timeout_s:g} s (the first call decides)"
        return ProviderStatus("ollama", True, detail, undecided=True)
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return ProviderStatus("ollama", False, f"unexpected answer from {url} ({exc})")
    names = {str(m.get(key)) for m in listed if isinstance(m, dict) for key in ("name", "model")}
    wanted = {model} if ":" in model else {model, f"{model}:latest"}
    if names.isdisjoint(wanted):
        return ProviderStatus("ollama", False, f'model "{model}" not pulled at {url}')
    return ProviderStatus("ollama", True, f"{model} at {url}")
