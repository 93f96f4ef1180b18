"""A conversation over the real graph and a real SQLite checkpointer, with scripted models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from community_bot.settings import Settings
from nodes.services import Router, Services
from runtime.app import App, open_app
from tests.fakes import FixedKnowledge, ScriptedGateway, length_router, passage

OpenApp = Callable[..., AbstractAsyncContextManager[App]]


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


@pytest.fixture
def knowledge() -> FixedKnowledge:
    return FixedKnowledge(
        [passage("Install with `pip install community-bot`. On macOS use Homebrew.")]
    )


@pytest.fixture
def router() -> Router:
    """The router the conversation uses; a test module overrides it to test the real one."""
    return length_router


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        return Settings(data_dir=tmp_path / "data", _env_file=None, **overrides)  # type: ignore[call-arg]

    return make


@pytest.fixture
def conversation_app(
    make_settings: Callable[..., Settings],
    gateway: ScriptedGateway,
    knowledge: FixedKnowledge,
    router: Router,
) -> OpenApp:
    @asynccontextmanager
    async def opened(**overrides: Any) -> AsyncIterator[App]:
        settings = make_settings(**overrides)
        services = Services(settings.memory, settings.prompts, knowledge, gateway, router)
        async with open_app(settings, services) as app:
            yield app

    return opened
