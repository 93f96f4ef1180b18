"""The knowledge layer: local folders and other sources searched as one.

`Knowledge` is what the graph uses; `LocalIndex` is the on-disk index that folders and source
agents write into (a `DocumentSink`) and the `local` `KnowledgeSource`.

The names below load on first use (PEP 562): the index brings numpy and the embedding model,
which `community-bot --help` and the other subcommands' parsers never use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from community_bot.kb.index import LocalIndex
    from community_bot.kb.knowledge import Knowledge, local_index, sources_from_settings

_HOMES = {
    "LocalIndex": "index",
    "Knowledge": "knowledge",
    "local_index": "knowledge",
    "sources_from_settings": "knowledge",
}

__all__ = ["Knowledge", "LocalIndex", "local_index", "sources_from_settings"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"community_bot.kb.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
