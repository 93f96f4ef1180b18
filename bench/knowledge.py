"""The knowledge base the benchmarks search: the real local index over a synthetic corpus.

The corpus and the questions are the retrieval benchmark's (`bench.retrieval`): Zipf-distributed
vocabulary, Markdown sections of about 130 words, one passage each, and questions that never
repeat, so the retrieval cache never answers for the index.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

from bench.app import bench_settings
from bench.retrieval import SEED, synthetic_documents, synthetic_queries
from community_bot.kb import Knowledge, LocalIndex
from community_bot.kb.embedding import Embedder
from community_bot.kb.index import INDEX_FILE


async def synthetic_knowledge(
    directory: Path, chunks: int, embedder: Embedder | None = None
) -> Knowledge:
    """`Knowledge` over a local index of `chunks` synthetic passages, built in `directory`;
    searched by words only unless an `embedder` (the product's default has one) is given."""
    index = LocalIndex(directory / INDEX_FILE, embedder)
    documents = synthetic_documents(chunks, random.Random(SEED))
    await asyncio.to_thread(index.replace_documents, "synthetic", documents)
    return Knowledge([index], bench_settings(directory, local_kb_paths=[]).knowledge)


def questions(count: int) -> Iterator[str]:
    """`count` distinct community-style questions over the corpus vocabulary."""
    return iter(synthetic_queries(count, random.Random(SEED + 2)))
