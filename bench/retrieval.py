"""Retrieval latency and indexing throughput of the local index at scale.

Builds a synthetic index (Zipf-distributed vocabulary, stopwords included, Markdown documents with
headings) in a temporary folder, indexes it through `replace_documents` (chunking, analysis and
SQLite writes, as a folder sync does) and times a few hundred question-like queries through
`Knowledge.retrieve`, each query unique so the cache never answers. Run:

    python -m bench.retrieval                     # 100,000 passages, with vectors (the default)
    python -m bench.retrieval 20000               # a quicker run
    python -m bench.retrieval 100000 --embeddings none   # words only
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from community_bot import event_loop
from community_bot.kb.analysis import STOPWORDS
from community_bot.kb.documents import Document
from community_bot.kb.embedding import Embedder, StaticEmbedder
from community_bot.kb.index import INDEX_FILE, LocalIndex
from community_bot.kb.knowledge import Knowledge
from community_bot.settings import Settings

SECTIONS_PER_DOCUMENT = 8  # each section is one passage: ~130 words, under the chunk limit
WORDS_PER_SECTION = (90, 170)
VOCABULARY = 60_000
ZIPF_EXPONENT = 1.05
DOMAIN_WORDS = 30
QUERIES = 300
SEED = 20261101
QUESTION_FORMS = (
    "how do I {} the {} with {}?",
    "why does {} fail when {} is {}",
    "where can I find {} for {}",
    "{} {} not working",
    "what is the difference between {} and {} in {}?",
    "can I use {} {} on {}",
    "error {} after {} {}",
)


@cache
def _vocabulary() -> list[str]:
    """Common function words first (as in real text), then pronounceable made-up words."""
    rng = random.Random(SEED)
    syllables = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    words = sorted(STOPWORDS)
    seen = set(words)
    made_up: list[str] = []
    while len(words) + len(made_up) < VOCABULARY:
        word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            made_up.append(word)
    # A corpus's own topic words ("bot", "model", "channel") are as frequent as function words.
    for rank in range(DOMAIN_WORDS):
        words.insert(4 + rank * 5, made_up[rank])
    return words + made_up[DOMAIN_WORDS:]


def _cumulative_weights(size: int) -> list[float]:
    total, weights = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank**ZIPF_EXPONENT
        weights.append(total)
    return weights


def synthetic_documents(chunks: int, rng: random.Random) -> Iterator[Document]:
    """Markdown documents totalling about `chunks` passages."""
    words = _vocabulary()
    weights = _cumulative_weights(len(words))

    def text(count: int) -> str:
        return " ".join(rng.choices(words, cum_weights=weights, k=count))

    for number in range(-(-chunks // SECTIONS_PER_DOCUMENT)):
        title = text(4).capitalize()
        body = [f"# {title}"]
        for _ in range(SECTIONS_PER_DOCUMENT):
            sentences = [text(rng.randint(8, 20)).capitalize() + "." for _ in range(10)]
            body.append(f"## {text(3).capitalize()}\n\n" + " ".join(sentences)[:1100])
        yield Document(
            id=f"doc-{number}.md", text="\n\n".join(body), title=title, source=f"docs/{number}.md"
        )


def synthetic_queries(count: int, rng: random.Random) -> list[str]:
    """Questions mixing function words, the corpus's topic words, everyday and rarer terms."""
    words = _vocabulary()
    topic_words = words[4 : 4 + DOMAIN_WORDS * 5 : 5]
    queries: dict[str, None] = {}
    number = 0
    while len(queries) < count:
        number += 1
        form = QUESTION_FORMS[number % len(QUESTION_FORMS)]
        slots = form.count("{}")
        picked = [_query_word(words, topic_words, rng) for _ in range(slots)]
        queries[form.format(*picked)] = None
    return list(queries)


def _query_word(words: list[str], topic_words: list[str], rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.3:
        return rng.choice(topic_words)
    if draw < 0.65:
        return words[rng.randint(200, 2_000)]
    return words[rng.randint(2_000, 30_000)]


def measure(chunks: int = 100_000, words_only: bool = False) -> dict[str, float]:
    """Index `chunks` synthetic passages (with vectors from the shipped model, unless
    `words_only`), then time queries; all numbers in ms or per second."""
    rng = random.Random(SEED)
    embedder: Embedder | None = None if words_only else StaticEmbedder()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), local_kb_paths=[], _env_file=None)
        index = LocalIndex(Path(folder) / INDEX_FILE, embedder)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = index.replace_documents("bench", synthetic_documents(chunks, rng))
        indexing_seconds = time.perf_counter() - started
        indexing_cpu_seconds = time.process_time() - cpu_started
        knowledge = Knowledge([index], settings)
        queries = synthetic_queries(QUERIES, random.Random(SEED + 1))
        latencies, cpu_times, hits = event_loop.run(_time_queries(knowledge, queries))
        size_mb = (Path(folder) / INDEX_FILE).stat().st_size / 1e6
        index.close()
    ordered = sorted(latencies)
    return {
        "sample_prepare_unchanged_ms": prepare_unchanged_ms(),
        "chunks": float(report.chunks),
        "index_chunks_per_s": report.chunks / indexing_seconds,
        "index_seconds": indexing_seconds,
        # CPU time too: on a shared machine, wall time also counts other processes' turns.
        "index_chunks_per_cpu_s": report.chunks / indexing_cpu_seconds,
        "query_cpu_p50_ms": statistics.median(cpu_times),
        "index_mb": size_mb,
        "queries": float(len(latencies)),
        "query_p50_ms": statistics.median(ordered),
        "query_p99_ms": ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)],
        "query_max_ms": ordered[-1],
        "hit_rate": hits / len(latencies),
    }


def prepare_unchanged_ms(runs: int = 20) -> float:
    """Median time of `Knowledge.prepare()` over the bundled sample docs when nothing changed:
    what every start-up pays once the index exists."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), _env_file=None)
        knowledge = Knowledge.from_settings(settings)

        async def timed() -> list[float]:
            await knowledge.prepare()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                await knowledge.prepare()
                times.append((time.perf_counter() - started) * 1000)
            await knowledge.aclose()
            return times

        return statistics.median(event_loop.run(timed()))


async def _time_queries(
    knowledge: Knowledge, queries: list[str]
) -> tuple[list[float], list[float], int]:
    await knowledge.retrieve("warm up the connection")
    latencies, cpu_times, hits = [], [], 0
    for query in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        _, outcome = await knowledge.retrieve(query)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        hits += outcome["hit"]
    return latencies, cpu_times, hits


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    chunks = int(args[0]) if args else 100_000
    words_only = "--embeddings" in sys.argv and sys.argv[-1] == "none"
    result = measure(chunks, words_only)
    kind = "words only" if words_only else "words and vectors"
    print(
        f"Local index, {result['chunks']:,.0f} passages, {kind} "
        f"({result['index_mb']:.0f} MB on disk)\n"
    )
    print("| metric | value |\n| --- | --- |")
    print(f"| indexing throughput | {result['index_chunks_per_s']:,.0f} passages/s |")
    print(
        f"| indexing throughput per CPU-second | {result['index_chunks_per_cpu_s']:,.0f} passages |"
    )
    print(f"| query p50 | {result['query_p50_ms']:.2f} ms |")
    print(f"| query p99 | {result['query_p99_ms']:.2f} ms |")
    print(f"| query max | {result['query_max_ms']:.2f} ms |")
    print(f"| query CPU time p50 | {result['query_cpu_p50_ms']:.2f} ms |")
    print(f"| queries (unique, uncached) | {result['queries']:.0f} |")
    print(
        f"| `prepare()` on the sample docs, nothing changed | "
        f"{result['sample_prepare_unchanged_ms']:.1f} ms |"
    )


if __name__ == "__main__":
    main()
