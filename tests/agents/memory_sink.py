"""A `DocumentSink` test double: each source's documents in a dict, changes counted like the
local index counts them. Used by the agents' tests and the source-agents benchmark."""

from __future__ import annotations

from collections.abc import Iterable

from community_bot.kb.documents import Document
from community_bot.kb.sources import IndexReport


class MemorySink:
    def __init__(self) -> None:
        self.sources: dict[str, dict[str, Document]] = {}
        self.calls: list[str] = []

    def replace_documents(self, source_id: str, documents: Iterable[Document]) -> IndexReport:
        new = {document.id: document for document in documents}
        old = self.sources.get(source_id, {})
        self.calls.append(source_id)
        self.sources[source_id] = new
        kept = new.keys() & old.keys()
        updated = sum(1 for key in kept if new[key] != old[key])
        return IndexReport(
            added=len(new.keys() - old.keys()),
            updated=updated,
            unchanged=len(kept) - updated,
            removed=len(old.keys() - new.keys()),
            chunks=len(new.keys() - old.keys()) + updated,
        )

    def ids(self, source_id: str) -> list[str]:
        return sorted(self.sources.get(source_id, {}))
