"""Every `--help` page prints: the top level and each subcommand, found by walking the parser.

The list is discovered, not written by hand, so a command added later is covered the day it is
added (a `%` in a summary once crashed the top-level help through argparse's formatting).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from runtime.cli import build_parser


def command_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """The argv prefix of every parser reachable from this one, itself included."""
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from command_paths(child, (*prefix, name))


PATHS = list(command_paths(build_parser()))


def test_the_walk_finds_nested_subcommands() -> None:
    assert ("kb", "search") in PATHS
    assert ("config", "show") in PATHS
    assert ("bench",) in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "top-level")
def test_help_page_prints_and_exits_zero(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*path, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: community-bot")
