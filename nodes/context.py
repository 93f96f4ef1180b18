"""Run-scoped context: the prompt profile a turn uses, and the services it may use.

Runtimes inject their opened `Services`; LangGraph Studio and `langgraph dev` pass plain JSON, so
there `services` is empty and nodes fall back to services built once from the environment.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from functools import cache
from typing import Annotated

from langgraph.runtime import Runtime
from pydantic import ConfigDict
from pydantic.json_schema import SkipJsonSchema

from nodes.services import Services


@dataclass(kw_only=True)
class Context:
    """Per-turn settings that are not part of the conversation itself."""

    __pydantic_config__ = ConfigDict(arbitrary_types_allowed=True)

    profile: str | None = None  # prompt profile for this channel; None means PROMPT_PROFILE
    services: Annotated[Services | None, SkipJsonSchema()] = None  # hidden in Studio


def services_of(runtime: Runtime[Context]) -> Services:
    """The services of this run: injected by the runtime, or the environment's defaults."""
    context = runtime.context
    if context is not None and context.services is not None:
        return context.services
    return _environment_services()


async def opened_services(runtime: Runtime[Context]) -> Services:
    """`services_of` for the first nodes of a turn: building the environment's services reads
    files and opens the index, so in Studio that happens once, on a worker thread."""
    context = runtime.context
    if context is not None and context.services is not None:
        return context.services
    return await asyncio.to_thread(_environment_services)


_building = threading.Lock()  # the first nodes of a Studio turn ask at once: build only once


def _environment_services() -> Services:
    with _building:
        return _built_environment_services()


@cache
def _built_environment_services() -> Services:
    from community_bot.settings import load_settings
    from nodes.services import build_services

    services = build_services(load_settings())
    # As `open_app` does: check the providers once, so a provider that cannot work (no AWS
    # credentials) starts with its circuit open instead of costing the first turn an attempt.
    probe = getattr(services.models, "probe", None)
    if callable(probe) and not _loop_running():  # a worker thread (`opened_services`)
        asyncio.run(probe())
    return services


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
