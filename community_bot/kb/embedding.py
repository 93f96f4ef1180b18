"""The embedding model that ships with the project: static token vectors, no torch, no download.

`community_bot/kb/model/` holds a model2vec-style static model distilled from all-MiniLM-L6-v2
(`scripts/build_embedding_model.py` makes it; README › Licences says where it comes from). Each
token of the MiniLM vocabulary has one vector, computed once by the transformer at build time;
a text's embedding is the normalised sum of its tokens' vectors. That loses word order and
context, but costs a tokenizer call and a gather: tens of microseconds for a question, about
10,000 passages a second on two cores, against ~50 passages a second for the transformer.

The model loads on first use (~0.1 s), so a bot that never embeds never pays for it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = MODEL_DIR / "static-minilm-l6-v2.safetensors"
TOKENIZER_FILE = MODEL_DIR / "tokenizer.json"
MAX_TOKENS = 512

Vectors = NDArray[np.float32]


class EmbeddingError(Exception):
    """The embedding model cannot be used (missing or damaged file, unreachable service)."""


class Embedder(Protocol):
    """Turns texts into unit vectors. `name` changes whenever the vectors would: an index
    holding vectors of another name re-embeds everything rather than mix the two."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit-length float32 row per text (all zeros for a text with no known token)."""
        ...


class StaticEmbedder:
    """The shipped static model; see the module docstring."""

    def __init__(self, model_file: Path = MODEL_FILE, tokenizer_file: Path = TOKENIZER_FILE):
        self.model_file = model_file
        self.tokenizer_file = tokenizer_file
        self._lock = threading.Lock()
        self._loaded: tuple[Vectors, Tokenizer, int | None] | None = None

    @functools.cached_property
    def name(self) -> str:
        """From the id written into the file's header at build time (read without the table)."""
        return f"static:{_model_id(self.model_file)}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        table, tokenizer, unknown = self._load()
        if not texts:
            return np.zeros((0, table.shape[1]), dtype=np.float32)
        encodings = tokenizer.encode_batch(list(texts), add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        ids = np.fromiter(
            (i for e in encodings for i in e.ids), dtype=np.int64, count=int(lengths.sum())
        )
        keep = np.ones(len(ids), dtype=bool) if unknown is None else ids != unknown
        owner = np.repeat(np.arange(len(texts)), lengths)[keep]
        sums = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        _segment_sum(sums, owner, table[ids[keep]])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        np.divide(sums, norms, out=sums, where=norms > 0)
        return sums

    def _load(self) -> tuple[Vectors, Tokenizer, int | None]:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                self._loaded = _read_model(self.model_file, self.tokenizer_file)
            return self._loaded


def _segment_sum(out: Vectors, owner: NDArray[np.int64], rows: Vectors) -> None:
    """Sum `rows` into `out[owner]`; `owner` is sorted, so one `reduceat` does it (np.add.at is
    many times slower)."""
    if len(owner) == 0:
        return
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    out[owner[starts]] = np.add.reduceat(rows, starts, axis=0)


def _model_id(model_file: Path) -> str:
    from safetensors import safe_open

    try:
        with safe_open(str(model_file), framework="numpy") as handle:
            metadata = handle.metadata() or {}
    except Exception as exc:
        raise EmbeddingError(f"embedding model {model_file} unreadable: {exc}") from exc
    return str(metadata.get("id", model_file.stem))


def _read_model(model_file: Path, tokenizer_file: Path) -> tuple[Vectors, Tokenizer, int | None]:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    try:
        tensors = load_file(str(model_file))
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except Exception as exc:
        raise EmbeddingError(f"embedding model {model_file} unreadable: {exc}") from exc
    table = tensors["embeddings"].astype(np.float32)
    if "scales" in tensors:  # int8 rows, each with its own scale
        table *= tensors["scales"].astype(np.float32)[:, None]
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    unknown = tokenizer.token_to_id("[UNK]")
    return np.ascontiguousarray(table), tokenizer, unknown
