"""The event loop every command runs on: uvloop where it is installed, asyncio's own otherwise.

A conversation turn is mostly asyncio machinery (LangGraph's tasks, futures, and results coming
back from worker threads), and uvloop runs that machinery in C: about a tenth less time per
turn, for the product and for a bare LangGraph graph alike (`python -m bench --only graph`).
uvloop does not exist on Windows; EVENT_LOOP=asyncio opts out anywhere, e.g. to debug.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

from community_bot.errors import ConfigError

T = TypeVar("T")
EventLoopChoice = Literal["auto", "uvloop", "asyncio"]


def run(main: Coroutine[Any, Any, T], choice: EventLoopChoice = "auto") -> T:
    """`asyncio.run(main)` on the chosen loop."""
    try:
        factory = loop_factory(choice)
    except ConfigError:
        main.close()  # never started: close it rather than leave it unawaited
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


def loop_factory(choice: EventLoopChoice) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop constructor, or None for asyncio's default."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise ConfigError(
                [
                    "EVENT_LOOP=uvloop, but uvloop is not installed here (it does not exist on "
                    "Windows); use EVENT_LOOP=auto or asyncio"
                ]
            ) from None
        return None
    return uvloop.new_event_loop
