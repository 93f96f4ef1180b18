"""The knowledge base the benchmarks search: the synthetic corpus, indexed."""

from __future__ import annotations

import itertools
from pathlib import Path

from bench.corpus import documents
from community_bot.services import KnowledgeSearch
from community_bot.types import Passage
from tests.fakes import FixedKnowledge


async def synthetic_knowledge(directory: Path, chunks: int) -> KnowledgeSearch:
    """Interim: five corpus passages for every query, until the local index lands on main."""
    passages: list[Passage] = [
        {
            "text": document.text,
            "title": document.title,
            "source": document.source,
            "heading": "",
            "score": 1.0,
            "origin": "local",
        }
        for document in itertools.islice(documents(chunks), 5)
    ]
    return FixedKnowledge(passages)
