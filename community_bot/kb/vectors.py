"""Passage vectors beside the FTS index, in the same SQLite file, and the search over them.

Each passage's vector is a float16 row in `chunk_vectors`, keyed by the passage's id, written and
deleted in the same transaction as its text and terms: a document's content hash decides for
both, so vectors never go stale. `meta.embedding_model` names the model the vectors came from;
opening the index with another model (or with none) drops them all and re-embeds every passage
once, so two models' vectors are never compared.

Search is one matrix-vector product in numpy over all rows, held in memory per index generation
(100,000 passages × 128 dimensions: 51 MB as float32, about 6.5 ms of CPU a query: a pass over
memory, which neither float16 nor int8 rows made faster in numpy, and BLAS only on idle cores).
The matrix is read from disk once; this process's own writes then move it on in memory
(`MatrixCache.advance`), since reading 100,000 rows back took 0.5-0.9 s. sqlite-vec
was the other candidate, but it is a loadable SQLite extension and the Python builds here cannot
load extensions at all (docs/knowledge-base.md).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from community_bot.kb.chunking import Chunk
from community_bot.kb.embedding import Embedder, Vectors

log = logging.getLogger(__name__)
SCHEMA = "CREATE TABLE IF NOT EXISTS chunk_vectors (id INTEGER PRIMARY KEY, vector BLOB NOT NULL)"
MODEL_KEY = "embedding_model"
REEMBED_BATCH = 2000
STORED = np.float16


def passage_text(title: str, heading: str, text: str) -> str:
    """What gets embedded: the titles say what a passage is about as much as its words do."""
    return f"{title}. {heading}. {text}"


def chunk_text(chunk: Chunk) -> str:
    return passage_text(chunk.title, chunk.heading, chunk.text)


def as_stored(vectors: Vectors) -> Vectors:
    """`vectors` exactly as they come back from the table."""
    stored: Vectors = vectors.astype(STORED).astype(np.float32)
    return stored


def encode(vectors: Vectors) -> list[bytes]:
    return [row.tobytes() for row in vectors.astype(STORED)]


def insert(connection: sqlite3.Connection, ids: Sequence[int], vectors: Vectors) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO chunk_vectors (id, vector) VALUES (?, ?)",
        zip(ids, encode(vectors), strict=True),
    )


def stored_model(connection: sqlite3.Connection) -> str:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (MODEL_KEY,)).fetchone()
    return str(row[0]) if row else ""


def align(connection: sqlite3.Connection, embedder: Embedder | None) -> bool:
    """Inside the caller's write transaction: make the stored vectors those of `embedder` (none
    at all without one). Returns whether anything changed."""
    wanted = embedder.name if embedder is not None else ""
    if stored_model(connection) == wanted:
        return False
    connection.execute("DELETE FROM chunk_vectors")
    if embedder is not None:
        (total,) = connection.execute("SELECT count(*) FROM chunks").fetchone()
        if total:
            log.info("embedding %d passages with %s (the model changed)", total, wanted)
        done = 0
        for batch in _batches(connection.execute("SELECT id, title, heading, text FROM chunks")):
            insert(
                connection,
                [row[0] for row in batch],
                embedder.embed([passage_text(*row[1:]) for row in batch]),
            )
            done += len(batch)
            log.log(
                logging.INFO if total > REEMBED_BATCH else logging.DEBUG,
                "embedded %d of %d passages",
                done,
                total,
            )
    connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (MODEL_KEY, wanted),
    )
    return True


def _batches(
    rows: Iterable[tuple[int, str, str, str]],
) -> Iterable[list[tuple[int, str, str, str]]]:
    batch: list[tuple[int, str, str, str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= REEMBED_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Matrix:
    """All passage vectors of one index generation: ids ascending, one float32 row each."""

    generation: str
    ids: NDArray[np.int64]
    rows: Vectors

    def nearest(self, query: Vectors, n: int) -> list[tuple[int, float]]:
        """The `n` passages most similar to the unit vector `query`: (id, cosine), best first."""
        if not len(self.ids) or n <= 0:
            return []
        # einsum, not `@`: BLAS's matrix-vector product spreads over threads, which on a busy
        # two-core machine made each query 5-10x slower; einsum's loop is one thread, SIMD.
        similarities = np.einsum("ij,j->i", self.rows, query)
        n = min(n, len(similarities))
        top = np.argpartition(-similarities, n - 1)[:n]
        top = top[np.argsort(-similarities[top])]
        return [(int(self.ids[i]), float(similarities[i])) for i in top]

    def changed(
        self, generation: str, removed: Collection[int], added: Mapping[int, Vectors]
    ) -> Matrix:
        """This matrix with the rows of `removed` dropped and those of `added` put in (each a
        row as stored), ids still ascending: what loading `generation` would give."""
        if not removed and not added:
            return Matrix(generation, self.ids, self.rows)
        replaced = np.fromiter(chain(removed, added), dtype=np.int64)
        keep = ~np.isin(self.ids, replaced)
        kept = int(keep.sum())
        ids = np.concatenate([self.ids[keep], np.fromiter(added, dtype=np.int64)])
        # One copy of the kept rows, straight into the new matrix, run by run between the rows
        # dropped (a fancy-indexed copy is 2-3x slower); searches in flight still read the old
        # matrix, so it is never changed in place.
        width = self.rows.shape[1] if len(self.ids) else len(next(iter(added.values())))
        rows = np.empty((len(ids), width), dtype=np.float32)
        dropped = np.flatnonzero(~keep).tolist()
        at = 0
        for start, end in zip([0, *(i + 1 for i in dropped)], [*dropped, len(keep)], strict=True):
            rows[at : at + end - start] = self.rows[start:end]
            at += end - start
        for at, row in enumerate(added.values(), start=kept):
            rows[at] = row
        if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
            order = np.argsort(ids, kind="stable")
            ids, rows = ids[order], rows[order]
        return Matrix(generation, ids, rows)

    def similarity(self, query: Vectors, ids: Sequence[int]) -> dict[int, float]:
        """Cosine of `query` with each of `ids` that has a vector."""
        if not len(self.ids) or not ids:
            return {}
        wanted = np.asarray(ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        found = self.ids[at] == wanted
        values = self.rows[at[found]] @ query
        return dict(zip(wanted[found].tolist(), values.tolist(), strict=True))


class MatrixCache:
    """The in-memory matrix, reloaded when the index's generation moves on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._matrix: Matrix | None = None

    def get(self, connection: sqlite3.Connection, generation: str) -> Matrix:
        matrix = self._matrix
        if matrix is not None and matrix.generation == generation:
            return matrix
        with self._lock:
            matrix = self._matrix
            if matrix is None or matrix.generation != generation:
                matrix = self._matrix = load(connection, generation)
            return matrix

    @property
    def held(self) -> Matrix | None:
        """The matrix in memory now, if any (nothing is loaded)."""
        return self._matrix

    def advance(
        self, start: str, end: str, removed: Collection[int], added: Mapping[int, Vectors]
    ) -> None:
        """After a write transaction of this process moved the index from generation `start`
        to `end`: if the matrix held is `start`'s, make it `end`'s in memory. Otherwise (none
        held, or another process wrote in between) the next search loads `end` from disk."""
        if start == end:
            return
        with self._lock:
            matrix = self._matrix
            if matrix is not None and matrix.generation == start:
                self._matrix = matrix.changed(end, removed, added)

    def clear(self) -> None:
        self._matrix = None


def load(connection: sqlite3.Connection, generation: str) -> Matrix:
    rows = connection.execute("SELECT id, vector FROM chunk_vectors ORDER BY id").fetchall()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    if not rows:
        return Matrix(generation, ids, np.zeros((0, 0), dtype=np.float32))
    flat = np.frombuffer(b"".join(row[1] for row in rows), dtype=STORED)
    return Matrix(generation, ids, flat.reshape(len(rows), -1).astype(np.float32))
