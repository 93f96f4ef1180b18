"""Could the knowledge index move to PostgreSQL full-text search? Quality and latency, measured.

The same chunks the local index holds (the sample corpus, `bench/data/kb_eval.jsonl`'s questions)
go into a PostgreSQL table with a `tsvector` (English configuration, title and heading weighted
above the body, GIN index), searched with the question's words OR-ed and ranked by
`ts_rank_cd` — the usual way to get BM25-like recall from PostgreSQL without extensions. The
rows put its top-1 / top-3 hit rates and search latency beside the local index's, in one run:

    python -m bench.pg_fulltext

The server is BENCH_POSTGRES_URL (as `bench.postgres`); a scratch database is dropped after.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.kb_quality import CORPUS, RESULTS, load_questions
from bench.postgres import scratch_database
from bench.timing import p50_p99
from community_bot.kb.folders import sync_folder
from community_bot.kb.index import LocalIndex

CREATE = "CREATE TABLE chunks (id INTEGER PRIMARY KEY, source TEXT, terms tsvector)"
INDEX = "CREATE INDEX chunks_terms ON chunks USING GIN (terms)"
FILL = """
INSERT INTO chunks SELECT id, source,
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', heading), 'B')
    || setweight(to_tsvector('english', body), 'C')
FROM (SELECT unnest(%(ids)s::int[]) id, unnest(%(sources)s::text[]) source,
    unnest(%(titles)s::text[]) title, unnest(%(headings)s::text[]) heading,
    unnest(%(bodies)s::text[]) body) given
"""
SEARCH = """
SELECT source FROM chunks, to_tsquery('english', %s) q WHERE terms @@ q
ORDER BY ts_rank_cd(terms, q) DESC LIMIT %s
"""


def _or_query(question: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", question)
    return " | ".join(words) or "nothing"


def _rates(ranked: list[tuple[str, list[str]]]) -> tuple[float, float]:
    top1 = sum(found[:1] == [expected] for expected, found in ranked) / len(ranked)
    top3 = sum(expected in found[:3] for expected, found in ranked) / len(ranked)
    return top1, top3


def main() -> None:
    import psycopg

    questions = [(q.question, q.expected) for q in load_questions() if q.expected is not None]
    with tempfile.TemporaryDirectory() as folder, scratch_database() as url:
        if url is None:
            print("no PostgreSQL server: nothing measured")
            return
        index = LocalIndex(Path(folder) / "kb.sqlite")
        sync_folder(index, CORPUS)
        with sqlite3.connect(Path(folder) / "kb.sqlite") as lite:
            rows = lite.execute("SELECT id, source, title, heading, text FROM chunks").fetchall()
        local: list[tuple[str, list[str]]] = []
        local_ms = []
        for question, expected in questions:
            started = time.perf_counter()
            passages = index.search_now(question, RESULTS)
            local_ms.append((time.perf_counter() - started) * 1000)
            local.append(
                (expected, [p["source"].removeprefix(f"{CORPUS.name}/") for p in passages])
            )
        index.close()
        pg: list[tuple[str, list[str]]] = []
        pg_ms = []
        with psycopg.connect(url, autocommit=True) as conn:
            columns = list(zip(*rows, strict=True))
            conn.execute(CREATE)
            conn.execute(
                FILL,
                {
                    "ids": list(columns[0]),
                    "sources": list(columns[1]),
                    "titles": list(columns[2]),
                    "headings": list(columns[3]),
                    "bodies": list(columns[4]),
                },
            )
            conn.execute(INDEX)
            for question, expected in questions:
                started = time.perf_counter()
                found = conn.execute(SEARCH, (_or_query(question), RESULTS)).fetchall()
                pg_ms.append((time.perf_counter() - started) * 1000)
                pg.append((expected, [s.removeprefix(f"{CORPUS.name}/") for (s,) in found]))
    print(f"| index ({len(rows)} chunks, {len(questions)} questions) | top-1 | top-3 | p50 ms |")
    print("|---|---:|---:|---:|")
    for name, ranked, samples in (
        ("local (SQLite FTS5 + ranking)", local, local_ms),
        ("PostgreSQL tsvector + ts_rank_cd", pg, pg_ms),
    ):
        top1, top3 = _rates(ranked)
        print(f"| {name} | {top1:.1%} | {top3:.1%} | {p50_p99(samples)[0]:.2f} |")


if __name__ == "__main__":
    main()
