"""The local knowledge index: SQLite FTS5 with BM25 ranking, in one file under DATA_DIR.

Why FTS5: it ships with Python, lives on disk, and updates in place, so a changed document costs
only its own rows and a restart reads nothing back into memory (bm25s, the other candidate, keeps
a sparse matrix that must be rebuilt and reloaded whole). Measured in `bench/retrieval.py`.

Documents arrive through `replace_documents` (the DocumentSink contract) from folders and source
agents. Each keeps a content hash, so an unchanged document is skipped without being chunked.
The FTS table holds analysed terms (see `analysis`), the `chunks` table the text shown to people.

Queries are shaped before SQLite sees them: stopwords are gone already, and terms found in a
large share of passages are left out of the MATCH (they would make SQLite rank most rows while
adding almost nothing to BM25); they still count when a candidate's coverage is scored.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from community_bot.kb import vectors
from community_bot.kb.analysis import flatten, query_concepts, terms
from community_bot.kb.chunking import MAX_CHUNK_CHARS, OVERLAP_CHARS, Chunk, chunk_document
from community_bot.kb.documents import Document
from community_bot.kb.embedding import Embedder, EmbeddingError, Vectors
from community_bot.kb.scoring import (
    BM25_WEIGHT,
    LEXICAL_WEIGHT,
    concept_weights,
    coverage,
    hybrid,
    terms_in,
)
from community_bot.kb.sources import IndexReport
from community_bot.sqlite_wal import use_wal
from community_bot.types import Passage

log = logging.getLogger(__name__)

# Bump when analysis or chunking changes: an index in an older format is rebuilt from scratch.
INDEX_FORMAT = f"1:{MAX_CHUNK_CHARS}:{OVERLAP_CHARS}"
INDEX_FILE = "knowledge.sqlite"
DEFAULT_MIN_SCORE = 0.3  # calibrated on bench/data/kb_eval.jsonl (docs/knowledge-base.md)
HYBRID_MIN_SCORE = 0.325  # with vectors: chosen on the calibration half (bench/kb_quality.py)
TITLE_WEIGHT, HEADING_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
CANDIDATES_PER_RESULT = 4
COMMON_SHARE, COMMON_FLOOR = 0.1, 1000  # a term in more passages than both is "common"
MAX_MATCH_TERMS = 12
BATCH_DOCUMENTS = 500
EMBED_BATCH = 256  # passages per call to the embedding model while indexing
WRITER_CACHE_KIB = 32_768
# FTS5 buffers new terms in memory and writes a segment (later merged) each time the buffer
# fills; at the default 1 MB a 500-document batch wrote several, each merged again.
TERM_BUFFER_BYTES = 16 * 1024 * 1024

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (id TEXT PRIMARY KEY, synced_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    source_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    PRIMARY KEY (source_id, doc_id)
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    heading TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_of_document ON chunks (source_id, doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms
    USING fts5 (title, heading, body, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS term_counts USING fts5vocab (chunk_terms, 'row');
CREATE TABLE IF NOT EXISTS chunk_vectors (id INTEGER PRIMARY KEY, vector BLOB NOT NULL);
"""
TABLES = ("term_counts", "chunk_terms", "chunk_vectors", "chunks", "documents", "sources", "meta")
STORED_HASH = "SELECT hash FROM documents WHERE source_id = ? AND doc_id = ?"
SOURCE_DOCUMENTS = "SELECT doc_id FROM documents WHERE source_id = ?"
DOCUMENT_CHUNKS = "SELECT id FROM chunks WHERE source_id = ? AND doc_id = ?"
RANKED = """
SELECT rowid, bm25(chunk_terms, ?, ?, ?) AS rank FROM chunk_terms
WHERE chunk_terms MATCH ? ORDER BY rank LIMIT ?
"""


@dataclass(frozen=True)
class SourceStats:
    """One source of the local index, as `kb stats` shows it."""

    source_id: str
    documents: int
    chunks: int
    synced_at: datetime | None


@dataclass
class _Statistics:
    """Corpus statistics for one index generation; dropped when the content changes."""

    generation: str
    chunks: int
    frequencies: dict[str, int] = field(default_factory=dict)


def content_hash(document: Document) -> str:
    """Changes when anything that ends up in the index changes, including the index format."""
    fields = [
        INDEX_FORMAT,
        document.title,
        document.source,
        document.category,
        document.text,
        sorted(document.metadata.items()),
    ]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


class LocalIndex:
    """The on-disk index: a DocumentSink for collectors and the `local` KnowledgeSource.

    With an `embedder`, every passage also gets a vector (`vectors`), and a search ranks the
    union of the lexical and the nearest-vector candidates by `scoring.hybrid`."""

    name = "local"

    def __init__(
        self,
        path: Path,
        embedder: Embedder | None = None,
        *,
        lexical_weight: float = LEXICAL_WEIGHT,
        bm25_weight: float = BM25_WEIGHT,
    ) -> None:
        self.path = path
        self.embedder = embedder
        self.lexical_weight = lexical_weight
        self.bm25_weight = bm25_weight
        self._matrices = vectors.MatrixCache()
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._writer: sqlite3.Connection | None = None
        self._readers = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._statistics: _Statistics | None = None

    # --- connections -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        use_wal(connection)
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA busy_timeout = 5000")
        with self._connections_lock:
            self._connections.append(connection)
        return connection

    def _write_connection(self) -> sqlite3.Connection:
        """The one writing connection; opening it creates or upgrades the schema."""
        with self._open_lock:
            if self._writer is None:
                writer = self._connect()
                # A bulk sync rewrites B-tree pages again and again: keep more of them in memory.
                writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
                self._ensure_schema(writer)
                self._writer = writer
            return self._writer

    @property
    def searches_in_process(self) -> bool:
        """Whether a search needs nothing but this process (words only, or an in-process
        embedding model): only such a search may run on the event loop (`kb.pacing`)."""
        return self.embedder is None or self.embedder.in_process

    @property
    def default_min_score(self) -> float:
        """Coverage alone and the hybrid score run on different scales: each has its threshold."""
        return DEFAULT_MIN_SCORE if self.embedder is None else HYBRID_MIN_SCORE

    def _read_connection(self) -> sqlite3.Connection:
        """A connection per thread, so searches never wait for a write in progress."""
        connection: sqlite3.Connection | None = getattr(self._readers, "connection", None)
        if connection is None:
            self._write_connection()
            connection = self._connect()
            self._readers.connection = connection
        return connection

    def _ensure_schema(self, connection: sqlite3.Connection) -> None:
        """Create the tables, or rebuild them for a new INDEX_FORMAT, and bring the vectors in
        line with this index's embedder, in one write transaction: another process may be
        opening the same new index at this moment."""
        with _transaction(connection):
            _create_tables(connection)
            row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if row is None or row[0] != INDEX_FORMAT:
                for table in TABLES:
                    connection.execute(f"DROP TABLE IF EXISTS {table}")
                _create_tables(connection)
                connection.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("format", INDEX_FORMAT), ("generation", "0")],
                )
            _size_term_buffer(connection)
            if vectors.align(connection, self.embedder):
                _bump_generation(connection)

    def close(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._writer = None
        self._readers = threading.local()

    async def aclose(self) -> None:
        self.close()

    # --- DocumentSink ------------------------------------------------------------------

    def replace_documents(
        self, source_id: str, documents: Iterable[Document], *, keep: Collection[str] = ()
    ) -> IndexReport:
        """Make `documents` the whole content of `source_id`. Ids in `keep` are left exactly as
        they are (a file that could not be read this time keeps its last good version); `keep`
        is read only once `documents` is exhausted, so a lazy loader may add to it as it goes."""
        connection = self._write_connection()
        with self._write_lock:
            seen: set[str] = set()
            added = updated = unchanged = written = pending = 0
            # What the index holds is read inside the write transaction, document by document:
            # another process (a shard, `kb index`) may have synced the same folder a moment ago.
            connection.execute("BEGIN IMMEDIATE")
            writes = _Writes(connection, self.embedder)
            try:
                for document in documents:
                    seen.add(document.id)
                    digest = content_hash(document)
                    stored = connection.execute(STORED_HASH, (source_id, document.id)).fetchone()
                    if stored is not None and stored[0] == digest:
                        unchanged += 1
                        continue
                    if stored is not None:
                        updated += 1
                        writes.delete_document(source_id, document.id)
                    else:
                        added += 1
                    written += _insert_document(connection, source_id, document, digest, writes)
                    pending += 1
                    if pending >= BATCH_DOCUMENTS:
                        self._commit(writes)
                        connection.execute("BEGIN IMMEDIATE")
                        writes = _Writes(connection, self.embedder)
                        pending = 0
                known = {row[0] for row in connection.execute(SOURCE_DOCUMENTS, (source_id,))}
                gone = known - seen - set(keep)
                for doc_id in gone:
                    writes.delete_document(source_id, doc_id)
                connection.execute(
                    "INSERT INTO sources (id, synced_at) VALUES (?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET synced_at = excluded.synced_at",
                    (source_id, time.time()),
                )
                self._commit(writes, changed=bool(pending or gone))
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return IndexReport(added, updated, unchanged, len(gone), written)

    def remove_source(self, source_id: str) -> None:
        """Forget a source and all its documents (a folder no longer configured)."""
        connection = self._write_connection()
        with self._write_lock:
            connection.execute("BEGIN IMMEDIATE")
            try:
                writes = _Writes(connection, self.embedder)
                for (doc_id,) in connection.execute(
                    "SELECT doc_id FROM documents WHERE source_id = ?", (source_id,)
                ).fetchall():
                    writes.delete_document(source_id, doc_id)
                connection.execute("DELETE FROM sources WHERE id = ?", (source_id,))
                self._commit(writes)
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def _commit(self, writes: _Writes, *, changed: bool = True) -> None:
        """Commit the write transaction, moving the generation on if anything `changed`, and
        apply its vector changes to the in-memory matrix: reading 100,000 vectors back after
        every sync took most of a second on the next search."""
        writes.flush()
        if changed:
            _bump_generation(writes.connection)
        end = _generation(writes.connection)
        writes.connection.execute("COMMIT")
        self._matrices.advance(writes.start, end, writes.removed, writes.added)

    # --- KnowledgeSource ---------------------------------------------------------------

    async def search(self, query: str, k: int) -> list[Passage]:
        return await asyncio.to_thread(self.search_now, query, k)

    def version(self) -> str:
        row = (
            self._read_connection()
            .execute("SELECT value FROM meta WHERE key = 'generation'")
            .fetchone()
        )
        return str(row[0]) if row else "0"

    def describe(self) -> str:
        stats = self.stats()
        documents = sum(s.documents for s in stats)
        chunks = sum(s.chunks for s in stats)
        synced = [s.synced_at for s in stats if s.synced_at is not None]
        when = f", synced {max(synced):%Y-%m-%d %H:%M} UTC" if synced else ""
        how = "words only" if self.embedder is None else "words and meaning"
        return f"local: {documents} documents, {chunks} passages{when}, searched by {how}"

    def search_now(self, query: str, k: int) -> list[Passage]:
        """The best `k` passages for `query`, best first (blocking; `search` runs it off-loop).

        Candidates: the best BM25 matches of the query's informative terms and, with an
        embedder, the passages whose vectors are nearest the query's. Every candidate is scored
        by coverage (and, with vectors, by `hybrid` of coverage and cosine), BM25 breaking ties."""
        concepts = query_concepts(query)
        if not concepts and self.embedder is None:
            return []
        connection = self._read_connection()
        wanted = k * CANDIDATES_PER_RESULT
        statistics = self._current_statistics(connection)
        asked = flatten(concepts)  # every alternative term of the question, once each
        frequencies = _frequencies(connection, statistics, asked)
        match = _match_expression(asked, frequencies, statistics.chunks)
        ranks: dict[int, float] = {}
        if match:
            ranks = dict(
                connection.execute(
                    RANKED, (TITLE_WEIGHT, HEADING_WEIGHT, BODY_WEIGHT, match, wanted)
                ).fetchall()
            )
        similarities = self._similarities(connection, statistics.generation, query, ranks, wanted)
        by_words_only = self.embedder is None or similarities is None
        similarities = similarities or {}
        candidates = list(dict.fromkeys([*ranks, *similarities]))
        if not candidates:
            return []
        stored = _stored_terms(connection, candidates)
        weights = concept_weights(concepts, frequencies, statistics.chunks)
        best_rank = min(ranks.values(), default=-1.0)
        scored = []
        for rowid in candidates:
            if (spaced := stored.get(rowid)) is None:
                continue  # removed by a write since it was ranked
            covered = coverage(concepts, weights, terms_in(spaced, asked))
            if by_words_only:
                scored.append((covered, -ranks.get(rowid, math.inf), covered, rowid))
                continue
            score = hybrid(covered, similarities[rowid], self.lexical_weight)
            relative_bm25 = ranks[rowid] / best_rank if rowid in ranks and best_rank < 0 else 0.0
            scored.append((score + self.bm25_weight * relative_bm25, 0.0, score, rowid))
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        best = scored[:k]
        if not best:
            return []
        rows = _passage_rows(connection, [rowid for *_, rowid in best])
        return [rows[rowid].passage(score) for _, _, score, rowid in best if rowid in rows]

    def _similarities(
        self,
        connection: sqlite3.Connection,
        generation: str,
        query: str,
        ranks: dict[int, float],
        wanted: int,
    ) -> dict[int, float] | None:
        """Cosine of the question with its nearest passages and with every lexical candidate;
        None when a remote embedding model fails for this question: the search then ranks by
        words, as with EMBEDDINGS=none, and says so in the log."""
        if self.embedder is None:
            return {}
        try:
            query_vector = self.embedder.embed([query])[0]
        except EmbeddingError as exc:
            log.warning("question not embedded, searched by words only: %s", exc)
            return None
        matrix = self._matrices.get(connection, generation)
        similarities = dict(matrix.nearest(query_vector, wanted))
        lexical_only = [rowid for rowid in ranks if rowid not in similarities]
        return similarities | matrix.similarity(query_vector, lexical_only)

    def _current_statistics(self, connection: sqlite3.Connection) -> _Statistics:
        generation = self.version()
        statistics = self._statistics
        if statistics is None or statistics.generation != generation:
            # The passages each document was cut into, summed: the same number as the FTS
            # table's rows (written in the same transactions), without scanning 100,000 of them.
            (count,) = connection.execute(
                "SELECT coalesce(sum(chunks), 0) FROM documents"
            ).fetchone()
            statistics = self._statistics = _Statistics(generation, count)
        return statistics

    # --- stats -------------------------------------------------------------------------

    def stats(self) -> list[SourceStats]:
        """Documents, chunks and last sync of every source in the index."""
        rows = (
            self._read_connection()
            .execute(
                "SELECT s.id, s.synced_at, count(d.doc_id), coalesce(sum(d.chunks), 0) "
                "FROM sources s LEFT JOIN documents d ON d.source_id = s.id "
                "GROUP BY s.id ORDER BY s.id"
            )
            .fetchall()
        )
        return [
            SourceStats(source_id, documents, chunks, datetime.fromtimestamp(synced_at, UTC))
            for source_id, synced_at, documents, chunks in rows
        ]

    def source_ids(self) -> list[str]:
        return [s.source_id for s in self.stats()]


@dataclass(frozen=True)
class _PassageRow:
    id: int
    title: str
    heading: str
    source: str
    text: str

    def passage(self, score: float) -> Passage:
        return {
            "text": self.text,
            "title": self.title,
            "source": self.source,
            "heading": self.heading,
            "score": round(score, 4),
            "origin": LocalIndex.name,
            "chunk_id": str(self.id),
        }


def _stored_terms(connection: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, str]:
    """Each candidate's index terms, spaced, for scoring: its text is read only if it wins
    (`_passage_rows`), a third less reading for the 16-32 candidates of a search."""
    marks = ",".join("?" * len(rowids))
    return dict(
        connection.execute(
            f"SELECT rowid, title || ' ' || heading || ' ' || body FROM chunk_terms "
            f"WHERE rowid IN ({marks})",
            list(rowids),
        ).fetchall()
    )


def _passage_rows(connection: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, _PassageRow]:
    marks = ",".join("?" * len(rowids))
    rows = connection.execute(
        f"SELECT id, title, heading, source, text FROM chunks WHERE id IN ({marks})",
        list(rowids),
    ).fetchall()
    return {row[0]: _PassageRow(*row) for row in rows}


def _frequencies(
    connection: sqlite3.Connection, statistics: _Statistics, wanted: Sequence[str]
) -> dict[str, int]:
    """Passages containing each term, looked up once per index generation."""
    missing = [t for t in wanted if t not in statistics.frequencies]
    if missing:
        marks = ",".join("?" * len(missing))
        found = dict(
            connection.execute(
                f"SELECT term, doc FROM term_counts WHERE term IN ({marks})", missing
            ).fetchall()
        )
        for term in missing:
            statistics.frequencies[term] = int(found.get(term, 0))
    return {t: statistics.frequencies[t] for t in wanted}


def _match_expression(candidates: Sequence[str], frequencies: dict[str, int], chunks: int) -> str:
    """An FTS5 OR-query of the query's informative terms, rarest first, each quoted."""
    known = sorted((t for t in candidates if frequencies[t] > 0), key=lambda t: frequencies[t])
    common = max(COMMON_SHARE * chunks, COMMON_FLOOR)
    chosen = [t for t in known if frequencies[t] <= common] or known[:1]
    return " OR ".join(f'"{term}"' for term in chosen[:MAX_MATCH_TERMS])


class _Writes:
    """The passages one write transaction adds and removes.

    New passages are embedded in batches that span documents (a document has a handful of
    passages; the model's cost is per call as much as per passage) and written before the
    transaction commits. Every vector added or removed is remembered, so that after the commit
    the in-memory matrix can follow (`vectors.MatrixCache.advance`) without reading it back."""

    def __init__(self, connection: sqlite3.Connection, embedder: Embedder | None) -> None:
        self.connection = connection
        self.embedder = embedder
        self.start = _generation(connection)
        self.removed: set[int] = set()
        self.added: dict[int, Vectors] = {}
        self._ids: list[int] = []
        self._texts: list[str] = []

    def add(self, ids: Sequence[int], chunks: Sequence[Chunk]) -> None:
        if self.embedder is None:
            return
        self._ids += ids
        self._texts += [vectors.chunk_text(chunk) for chunk in chunks]
        if len(self._texts) >= EMBED_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.embedder is None or not self._ids:
            return
        embedded = self.embedder.embed(self._texts)
        vectors.insert(self.connection, self._ids, embedded)
        self.added.update(zip(self._ids, vectors.as_stored(embedded), strict=True))
        self._ids, self._texts = [], []

    def delete_document(self, source_id: str, doc_id: str) -> None:
        if self.embedder is not None:
            self.flush()  # the vectors deleted must be in the table already
            for (rowid,) in self.connection.execute(DOCUMENT_CHUNKS, (source_id, doc_id)):
                self.added.pop(rowid, None)
                self.removed.add(rowid)
        _delete_document(self.connection, source_id, doc_id)


def _insert_document(
    connection: sqlite3.Connection,
    source_id: str,
    document: Document,
    digest: str,
    writes: _Writes,
) -> int:
    chunks = chunk_document(document)
    # The ids SQLite would give one row at a time (the largest so far + 1), chosen up front so
    # that each table takes the document's passages in one `executemany`.
    (first,) = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM chunks").fetchone()
    ids = list(range(first, first + len(chunks)))
    connection.executemany(
        "INSERT INTO chunks (id, source_id, doc_id, position, title, heading, source, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (i, source_id, document.id, c.position, c.title, c.heading, c.source, c.text)
            for i, c in zip(ids, chunks, strict=True)
        ],
    )
    title_terms = " ".join(terms(document.title))
    connection.executemany(
        "INSERT INTO chunk_terms (rowid, title, heading, body) VALUES (?, ?, ?, ?)",
        [
            (i, title_terms, " ".join(terms(c.heading)), " ".join(terms(c.text)))
            for i, c in zip(ids, chunks, strict=True)
        ],
    )
    writes.add(ids, chunks)
    connection.execute(
        "INSERT INTO documents (source_id, doc_id, hash, title, source, chunks) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (source_id, document.id, digest, document.title, document.source, len(chunks)),
    )
    return len(chunks)


def _delete_document(connection: sqlite3.Connection, source_id: str, doc_id: str) -> None:
    key = (source_id, doc_id)
    for table, column in (("chunk_terms", "rowid"), ("chunk_vectors", "id")):
        connection.execute(
            f"DELETE FROM {table} WHERE {column} IN "
            "(SELECT id FROM chunks WHERE source_id = ? AND doc_id = ?)",
            key,
        )
    connection.execute("DELETE FROM chunks WHERE source_id = ? AND doc_id = ?", key)
    connection.execute("DELETE FROM documents WHERE source_id = ? AND doc_id = ?", key)


def _generation(connection: sqlite3.Connection) -> str:
    row = connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return str(row[0]) if row else "0"


def _bump_generation(connection: sqlite3.Connection) -> None:
    connection.execute(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
    )


def _size_term_buffer(connection: sqlite3.Connection) -> None:
    """Set FTS5's `hashsize` (stored in the index, so only when it differs): it changes how
    often segments are written, never what a search finds."""
    row = connection.execute("SELECT v FROM chunk_terms_config WHERE k = 'hashsize'").fetchone()
    if row is None or row[0] != TERM_BUFFER_BYTES:
        connection.execute(
            "INSERT INTO chunk_terms (chunk_terms, rank) VALUES ('hashsize', ?)",
            (TERM_BUFFER_BYTES,),
        )


def _create_tables(connection: sqlite3.Connection) -> None:
    """SCHEMA statement by statement (`executescript` would end the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
