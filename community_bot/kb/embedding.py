"""The embedding model that ships with the project: static token vectors, no torch, no download.

`community_bot/kb/model/` holds a model2vec-style static model distilled from all-MiniLM-L6-v2
(`scripts/build_embedding_model.py` makes it; README › Licences says where it comes from). Each
token of the MiniLM vocabulary has one vector, computed once by the transformer at build time;
a text's embedding is the normalised sum of its tokens' vectors. That loses word order and
context, but costs a tokenizer pass (`wordpiece`) and a gather: tens of microseconds for a
question, thousands of passages a second, against ~50 passages a second for the transformer.

The model loads on first use (~0.1 s), so a bot that never embeds never pays for it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from community_bot.kb.wordpiece import WordPiece, read_vocabulary

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = MODEL_DIR / "static-minilm-l6-v2.safetensors"
VOCABULARY_FILE = MODEL_DIR / "vocab.txt"
MAX_TOKENS = 512

Vectors = NDArray[np.float32]


class EmbeddingError(Exception):
    """The embedding model cannot be used (missing or damaged file, unreachable service)."""


class Embedder(Protocol):
    """Turns texts into unit vectors. `name` changes whenever the vectors would: an index
    holding vectors of another name re-embeds everything rather than mix the two."""

    @property
    def name(self) -> str: ...

    @property
    def in_process(self) -> bool:
        """True when `embed` computes here, with no network call: a search using it may then
        run on the event loop (`kb.pacing`); a remote model could stall the loop for its timeout."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit-length float32 row per text (all zeros for a text with no known token)."""
        ...


class StaticEmbedder:
    """The shipped static model; see the module docstring."""

    in_process = True

    def __init__(self, model_file: Path = MODEL_FILE, vocabulary_file: Path = VOCABULARY_FILE):
        self.model_file = model_file
        self.vocabulary_file = vocabulary_file
        self._lock = threading.Lock()
        self._loaded: tuple[Vectors, WordPiece] | None = None

    @functools.cached_property
    def name(self) -> str:
        """From the id written into the file's header at build time (read without the table)."""
        return f"static:{_model_id(self.model_file)}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        table, tokenizer = self._load()
        if not texts:
            return np.zeros((0, table.shape[1]), dtype=np.float32)
        sums = _token_sums(table, [tokenizer.encode(text, MAX_TOKENS) for text in texts])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        np.divide(sums, norms, out=sums, where=norms > 0)
        return sums

    def _load(self) -> tuple[Vectors, WordPiece]:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                self._loaded = _read_model(self.model_file, self.vocabulary_file)
            return self._loaded


class DocumentEmbeddings(Protocol):
    """LangChain's embeddings interface, as `BedrockEmbeddings` and `OllamaEmbeddings` offer it."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


def embed_with_service(client: DocumentEmbeddings, texts: Sequence[str], what: str) -> Vectors:
    """Unit vectors for `texts` from an embedding service; `EmbeddingError` naming `what` (the
    setting to check) when the service fails."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    try:
        rows = client.embed_documents(list(texts))
    except Exception as exc:
        raise EmbeddingError(f"{what} could not embed: {exc}") from exc
    vectors = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


def _token_sums(table: Vectors, encoded: Sequence[Sequence[int]]) -> Vectors:
    """Each text's token vectors, summed in token order.

    Texts are taken longest first, so the k-th tokens of all texts at least k+1 tokens long are
    one contiguous slice: one gather and one add per position for the whole batch, not a pass
    per token. Gathering every token's row and `np.add.reduceat` over them cost about ten times
    as much, and made embedding most of the indexing time (`bench/retrieval.py`)."""
    count = len(encoded)
    sums = np.zeros((count, table.shape[1]), dtype=np.float32)
    if count == 1:  # a question: one gather, summed row after row (the same order, the same
        if encoded[0]:  # bits as below) in a fifth of the time the batch's bookkeeping takes
            sums[0] = table[list(encoded[0])].sum(axis=0, dtype=np.float32)
        return sums
    lengths = np.fromiter(map(len, encoded), dtype=np.intp, count=count)
    order = np.argsort(-lengths, kind="stable")
    ordered = lengths[order]
    longest = int(ordered[0]) if count else 0
    if longest == 0:
        return sums
    # by_position[k, row]: the k-th token of the row-th longest text (0 past its end: unused).
    by_position = np.zeros((longest, count), dtype=np.intp)
    rows = np.repeat(np.arange(count), ordered)
    starts = np.cumsum(ordered) - ordered
    positions = np.arange(len(rows)) - np.repeat(starts, ordered)
    by_position[positions, rows] = np.fromiter(
        chain.from_iterable(encoded[i] for i in order.tolist()), dtype=np.intp, count=len(rows)
    )
    # How many texts are longer than k tokens, for every position k.
    active = np.searchsorted(-ordered, -np.arange(longest), side="left")
    in_order = np.zeros_like(sums)
    for position, texts in enumerate(active.tolist()):
        in_order[:texts] += table[by_position[position, :texts]]
    sums[order] = in_order
    return sums


def _model_id(model_file: Path) -> str:
    from safetensors import safe_open

    try:
        with safe_open(str(model_file), framework="numpy") as handle:
            metadata = handle.metadata() or {}
    except Exception as exc:
        raise EmbeddingError(f"embedding model {model_file} unreadable: {exc}") from exc
    return str(metadata.get("id", model_file.stem))


def _read_model(model_file: Path, vocabulary_file: Path) -> tuple[Vectors, WordPiece]:
    from safetensors.numpy import load_file

    try:
        tensors = load_file(str(model_file))
        with vocabulary_file.open(encoding="utf-8") as lines:
            vocabulary = read_vocabulary(lines)
    except Exception as exc:
        raise EmbeddingError(f"embedding model {model_file} unreadable: {exc}") from exc
    table = tensors["embeddings"].astype(np.float32)
    if "scales" in tensors:  # int8 rows, each with its own scale
        table *= tensors["scales"].astype(np.float32)[:, None]
    if len(vocabulary) != len(table):
        raise EmbeddingError(
            f"embedding model {model_file} has {len(table)} rows for {len(vocabulary)} tokens"
            f" in {vocabulary_file}"
        )
    return np.ascontiguousarray(table), WordPiece(vocabulary)
