"""LangGraph's SQLite store (the threads' transcripts), imported without numpy.

`langgraph.store.sqlite` imports `sqlite_vec`, which imports numpy, when installed, only to
define `register_numpy`, a vector-search helper the store never calls: transcripts have no
embeddings. numpy was the largest single import of a one-shot command such as `community-bot
ask` (`python -X importtime`: 0.1 s on an idle core, 0.55 s on this busy 2-core machine), so
`sqlite_vec` is imported while `numpy.typing` is marked missing, a case its optional import
handles. Where numpy is already loaded nothing is saved and the import is left alone.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langgraph.store.sqlite.aio import AsyncSqliteStore


def sqlite_store_class() -> type[AsyncSqliteStore]:
    """`AsyncSqliteStore`, imported (the first time) without importing numpy."""
    if "sqlite_vec" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy.typing"] = None  # type: ignore[assignment]  # "not installed"
        try:
            import sqlite_vec  # type: ignore[import-untyped]  # noqa: F401
        finally:
            del sys.modules["numpy.typing"]
    from langgraph.store.sqlite.aio import AsyncSqliteStore

    return AsyncSqliteStore
