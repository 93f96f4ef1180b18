"""What a collector hands back, and how it says the whole collection failed."""

from __future__ import annotations

from dataclasses import dataclass, field

from community_bot.kb.documents import Document


class CollectError(Exception):
    """The agent produced nothing usable (missing folder, failing command, bad JSON, SQL error);
    its previous documents are kept."""


@dataclass
class Collected:
    """The documents of one run, and the items left out with why (`path: reason`)."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, document: Document) -> None:
        if not document.text.strip():
            self.skipped.append(f"{document.id}: no text")
        else:
            self.documents.append(document)
