"""The two narrow interfaces of the knowledge layer: a searchable source and a document sink.

`Knowledge` merges any number of `KnowledgeSource`s (the local index, Bedrock Knowledge Bases);
source agents write into a `DocumentSink` (the local index) without knowing how it stores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from community_bot.kb.documents import Document
from community_bot.types import Passage


class KnowledgeSource(Protocol):
    """Something that answers a query with ranked passages.

    A source may also carry a `default_min_score: float` attribute, the score below which its
    passages are not relevant (KB_MIN_SCORE overrides it); without one every passage counts.
    """

    @property
    def name(self) -> str:
        """`local` or `bedrock:<knowledge base id>`; shown in `/status` and `kb stats`."""
        ...

    async def search(self, query: str, k: int) -> list[Passage]:
        """The best `k` passages, best first; may raise, the caller logs and skips the source."""
        ...

    def version(self) -> str:
        """Changes whenever the content may have changed; part of the retrieval cache key."""
        ...

    def describe(self) -> str:
        """One line for `/status`: what the source is and how big."""
        ...


@dataclass(frozen=True)
class IndexReport:
    """What one `replace_documents` call changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0  # chunks written (new or changed documents only)


class DocumentSink(Protocol):
    """Where collected documents go; the local index implements it."""

    def replace_documents(self, source_id: str, documents: Iterable[Document]) -> IndexReport:
        """Make `documents` the whole content of `source_id`: unchanged ones are kept as they
        are, changed ones re-indexed, and documents no longer listed removed."""
        ...
