"""Commands run on uvloop where it is installed; EVENT_LOOP chooses, and a bad choice is named."""

from __future__ import annotations

import asyncio
import sys

import pytest

from community_bot import event_loop
from community_bot.errors import ConfigError
from community_bot.settings import load_settings


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows")
def test_auto_runs_on_uvloop_where_it_is_installed() -> None:
    assert event_loop.run(_loop_module(), "auto").startswith("uvloop")
    assert event_loop.run(_loop_module(), "uvloop").startswith("uvloop")


def test_asyncio_runs_on_the_standard_loop() -> None:
    assert event_loop.run(_loop_module(), "asyncio").startswith("asyncio")


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_LOOP", "asyncio")
    assert load_settings(_env_file=None).event_loop == "asyncio"


def test_an_unknown_event_loop_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_LOOP", "libuv")
    with pytest.raises(ConfigError, match="EVENT_LOOP"):
        load_settings(_env_file=None)


def test_without_uvloop_auto_falls_back_and_uvloop_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as on Windows: the import fails

    assert event_loop.run(_loop_module(), "auto").startswith("asyncio")
    with pytest.raises(ConfigError, match="EVENT_LOOP=uvloop"):
        event_loop.run(_loop_module(), "uvloop")
