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
(`MatrixCache.advance`), since reading 100,000 rows back took 0.5-0.9 s. From
`SCREEN_MIN_ROWS` rows on, a `Screen` on the matrix's principal components picks a thousand
candidates first and only those get exact cosines (docs/knowledge-base.md, "Speed"). sqlite-vec
was the other candidate, but it is a loadable SQLite extension and the Python builds here cannot
load extensions at all (docs/knowledge-base.md).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
SCREEN_MIN_ROWS = 30_000
"""From this many rows on, the search screens on principal components before the exact cosines.
Measured with the shipped model on the retrieval bench's passages (2 shared cores): the exact pass
costs 0.8 ms at 20,000 rows and 1.1 ms at 30,000 (the screen saved 0.1-0.3 ms: not worth any
risk of missing a passage), then 2.9 ms at 40,000 (screen 2.0), 3.8 ms at 50,000 (2.3) and
8.3 ms at 100,000 (5.0), once the matrix no longer stays in the CPU's caches. Below it, and for
most communities' docs (a few thousand passages), the search is exact, as it always was."""
SCREEN_VARIANCE = 0.85
"""The screen keeps the fewest principal components holding this share of the rows' variance:
57 of the shipped model's 128. With 48 (80%) the exact 20 nearest of all 300 bench questions
still ranked within the screen's best 936 (too close to `SCREEN_CANDIDATES`); with 56, within
its best 535."""
SCREEN_CANDIDATES = 1000
"""Rows the screen hands on to the exact cosines (at least `SCREEN_CANDIDATES_PER_RESULT` for
each passage asked for). A thousand rows are 0.5 MB: their exact cosines cost ~0.1 ms."""
SCREEN_CANDIDATES_PER_RESULT = 50
SCREEN_SAMPLE = 10_000
"""Rows the principal components are computed from, evenly spaced (10 ms at 128 dimensions)."""


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
    # Built by `screened` (at load) and carried along by `changed`; a Matrix made directly has
    # none and searches exactly.
    screen: Screen | None = field(default=None, compare=False, repr=False)

    def nearest(self, query: Vectors, n: int) -> list[tuple[int, float]]:
        """The `n` passages most similar to the unit vector `query`: (id, cosine), best first.
        With a screen, the most similar among the screen's candidates: the same passages and
        cosines unless the screen missed one (measured by the retrieval bench)."""
        if not len(self.ids) or n <= 0:
            return []
        count = max(SCREEN_CANDIDATES, SCREEN_CANDIDATES_PER_RESULT * n)
        screen = self.screen
        if screen is not None and screen.components and count < len(self.ids):
            candidates = screen.candidates(query, count)
            return _best(self.ids[candidates], _cosines(self.rows[candidates], query), n)
        return _best(self.ids, _cosines(self.rows, query), n)

    def exact_nearest(self, query: Vectors, n: int) -> list[tuple[int, float]]:
        """`nearest` without the screen: what the bench compares the screen with."""
        return Matrix(self.generation, self.ids, self.rows).nearest(query, n)

    def changed(
        self, generation: str, removed: Collection[int], added: Mapping[int, Vectors]
    ) -> Matrix:
        """This matrix with the rows of `removed` dropped and those of `added` put in (each a
        row as stored), ids still ascending: what loading `generation` would give."""
        if not removed and not added:
            return Matrix(generation, self.ids, self.rows, self.screen)
        replaced = np.fromiter(chain(removed, added), dtype=np.int64)
        keep = ~np.isin(self.ids, replaced)
        ids = np.concatenate([self.ids[keep], np.fromiter(added, dtype=np.int64)])
        width = self.rows.shape[1] if len(self.ids) else len(next(iter(added.values())))
        new_rows = np.empty((len(added), width), dtype=np.float32)
        for at, row in enumerate(added.values()):
            new_rows[at] = row
        rows = _kept_and_added(self.rows, keep, new_rows)
        # The screen keeps its components and projects only the rows added, unless these are
        # many (the components would no longer be the matrix's) or of another model.
        screen = self.screen
        if screen is not None and screen.follows(len(ids), new_rows):
            screen = screen.changed(keep, new_rows)
        elif len(ids) >= SCREEN_MIN_ROWS:
            screen = Screen.fit(rows)
        else:
            screen = None
        if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
            order = np.argsort(ids, kind="stable")
            ids, rows = ids[order], rows[order]
            if screen is not None:
                screen = screen.reordered(order)
        return Matrix(generation, ids, rows, screen)

    def similarity(self, query: Vectors, ids: Sequence[int]) -> dict[int, float]:
        """Cosine of `query` with each of `ids` that has a vector."""
        if not len(self.ids) or not ids:
            return {}
        wanted = np.asarray(ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        found = self.ids[at] == wanted
        values = self.rows[at[found]] @ query
        return dict(zip(wanted[found].tolist(), values.tolist(), strict=True))


def _cosines(rows: Vectors, query: Vectors) -> Vectors:
    # einsum, not `@`: BLAS's matrix-vector product spreads over threads, which on a busy
    # two-core machine made each query 5-10x slower; einsum's loop is one thread, SIMD. It also
    # gives each row the same cosine whether the row is read from the whole matrix or from the
    # screen's candidates.
    cosines: Vectors = np.einsum("ij,j->i", rows, query)
    return cosines


def _best(ids: NDArray[np.int64], similarities: Vectors, n: int) -> list[tuple[int, float]]:
    n = min(n, len(similarities))
    top = np.argpartition(-similarities, n - 1)[:n]
    top = top[np.argsort(-similarities[top])]
    return [(int(ids[i]), float(similarities[i])) for i in top]


def _kept_and_added(old: Vectors, keep: NDArray[np.bool_], added: Vectors) -> Vectors:
    """The rows of `old` that `keep` says, then `added`, in a new array. One copy of the kept
    rows, run by run between the rows dropped (a fancy-indexed copy is 2-3x slower); searches in
    flight still read the old array, so it is never changed in place."""
    kept = int(keep.sum())
    rows = np.empty((kept + len(added), added.shape[1]), dtype=np.float32)
    dropped = np.flatnonzero(~keep).tolist()
    at = 0
    for start, end in zip([0, *(i + 1 for i in dropped)], [*dropped, len(keep)], strict=True):
        if end > start:  # (an empty matrix's rows have no width to copy)
            rows[at : at + end - start] = old[start:end]
            at += end - start
    rows[kept:] = added
    return rows


@dataclass(frozen=True)
class Screen:
    """A cheaper first pass for a large matrix: every row projected on the leading principal
    components of the matrix's rows (57 of the shipped model's 128 dimensions, 23 MB for
    100,000 rows next to the matrix's 51 MB). The projected rows' scores against the projected
    question rank the rows by `question · (row - mean)` within those components, which orders
    rows as their cosines do apart from the variance left out; the best `SCREEN_CANDIDATES`
    then get exact cosines. Computed generally, from a sample of the rows (remote models'
    dimensions are in no particular order), and not at all when the components that hold
    `SCREEN_VARIANCE` of the variance are over half the dimensions: the screen would save too
    little and miss more."""

    mean_score: Vectors  # the mean row projected: subtracted from every projected score
    basis: Vectors  # dimensions × components, orthonormal columns
    projected: Vectors  # rows × components: each row of the matrix times `basis`
    fitted: int  # rows the components were computed for
    added: int = 0  # rows projected with them since

    @classmethod
    def fit(cls, rows: Vectors) -> Screen:
        """The screen of `rows`; one of no components (the search stays exact) when the screen
        would not pay. That one is kept too, so the components are not computed again on every
        change."""
        sample = rows[:: max(1, len(rows) // SCREEN_SAMPLE)].astype(np.float64)
        centred = sample - sample.mean(axis=0)
        variances, components = np.linalg.eigh(centred.T @ centred)  # ascending
        variances, components = variances[::-1], components[:, ::-1]
        total = float(variances.sum())
        share = np.cumsum(variances) / total if total > 0.0 else np.ones(len(variances))
        width = int(np.searchsorted(share, SCREEN_VARIANCE)) + 1
        if total <= 0.0 or width > rows.shape[1] // 2:
            log.info(
                "vector search over %d rows stays exact: %.0f%% of their variance needs %d of "
                "%d dimensions",
                len(rows),
                SCREEN_VARIANCE * 100,
                width,
                rows.shape[1],
            )
            width = 0
        else:
            log.info(
                "vector search screens %d rows on %d of %d principal components (%.0f%% of "
                "the variance), then takes exact cosines for the best %d",
                len(rows),
                width,
                rows.shape[1],
                float(variances[:width].sum()) / total * 100,
                SCREEN_CANDIDATES,
            )
        basis = np.ascontiguousarray(components[:, :width], dtype=np.float32)
        mean_score = (sample.mean(axis=0) @ basis).astype(np.float32)
        return cls(mean_score, basis, cls._project(rows, basis, mean_score), len(rows))

    @property
    def components(self) -> int:
        """0 when the search stays exact."""
        return int(self.basis.shape[1])

    @staticmethod
    def _project(rows: Vectors, basis: Vectors, mean_score: Vectors) -> Vectors:
        projected: Vectors = rows @ basis
        projected -= mean_score
        return projected

    def candidates(self, query: Vectors, count: int) -> NDArray[np.intp]:
        """Row numbers of the `count` rows with the best projected scores, in no order."""
        scores = _cosines(self.projected, query @ self.basis)
        return np.argpartition(-scores, count - 1)[:count]

    def follows(self, rows: int, added: Vectors) -> bool:
        """Whether these components still serve once `added` come in, `rows` in all."""
        return (
            rows >= SCREEN_MIN_ROWS
            and added.shape[1] == self.basis.shape[0]
            and self.added + len(added) <= self.fitted // 2
        )

    def changed(self, keep: NDArray[np.bool_], added: Vectors) -> Screen:
        """The screen of `Matrix.changed`, before that sorts by id."""
        projected = _kept_and_added(
            self.projected, keep, self._project(added, self.basis, self.mean_score)
        )
        return Screen(self.mean_score, self.basis, projected, self.fitted, self.added + len(added))

    def reordered(self, order: NDArray[np.intp]) -> Screen:
        return Screen(self.mean_score, self.basis, self.projected[order], self.fitted, self.added)


def screened(generation: str, ids: NDArray[np.int64], rows: Vectors) -> Matrix:
    """The matrix of these rows, with a screen when it is large enough to need one."""
    screen = Screen.fit(rows) if len(ids) >= SCREEN_MIN_ROWS else None
    return Matrix(generation, ids, rows, screen)


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
    return screened(generation, ids, flat.reshape(len(rows), -1).astype(np.float32))
