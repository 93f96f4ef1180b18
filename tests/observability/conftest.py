"""Real apps on the real graph with scripted models, a LangSmith emulator, and logging set up
exactly as `community-bot` sets it up (undone after each test)."""

from __future__ import annotations

import logging
import re
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pytest

from community_bot.observability.logs import HANDLER_NAME, NOISY_LIBRARIES, configure_logging
from community_bot.observability.redaction import known_secrets
from community_bot.settings import Settings
from tests.discord.conftest import emulator
from tests.emulators.langsmith import LangSmithEmulator

# Every graph-level fixture (conversation_app and whatever it depends on), kept in step with
# tests/graph/conftest.py without naming each one here.
from tests.graph.conftest import *  # noqa: F403

__all__ = ["emulator"]


@pytest.fixture
def langsmith() -> Iterator[LangSmithEmulator]:
    with LangSmithEmulator() as server:
        yield server


@pytest.fixture
def configure() -> Iterator[Callable[[Settings], list[logging.Handler]]]:
    """`configure_logging` as `community-bot` calls it (every group's secrets masked), with the
    root logger and library levels restored afterwards."""
    root = logging.getLogger()
    level = root.level
    library_levels = {name: logging.getLogger(name).level for name in NOISY_LIBRARIES}

    def configure_as_the_command_does(settings: Settings) -> list[logging.Handler]:
        return configure_logging(settings.observability, known_secrets(settings))

    yield configure_as_the_command_does
    for handler in root.handlers[:]:
        if handler.name == HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, saved in library_levels.items():
        logging.getLogger(name).setLevel(saved)


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


def scrape(port: int) -> list[Sample]:
    """GET /metrics over HTTP and parse the Prometheus text format."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert response.status == 200
        text = response.read().decode()
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        assert match is not None, line
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        samples.append(Sample(match.group(1), labels, float(match.group(3))))
    return samples


def value(samples: Sequence[Sample], name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels` (0 when none)."""
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )
