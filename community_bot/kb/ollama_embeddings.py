"""Passage embeddings from an Ollama server (`EMBEDDINGS=ollama`), through LangChain's
`OllamaEmbeddings` and Ollama's `/api/embed`.

For admins who run Ollama anyway and want a stronger embedding model than the bundled static one.
The vectors' name includes the model, so switching models re-embeds the index once. A server
that cannot embed raises `EmbeddingError` naming the model and the server: at start-up that stops
the sync with a clear message; during a search, `Knowledge` logs it and answers from the other
sources.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from community_bot.kb.embedding import EmbeddingError, Vectors


class OllamaEmbedder:
    """An `Embedder` backed by an Ollama model."""

    def __init__(self, base_url: str, model: str) -> None:
        from langchain_ollama import OllamaEmbeddings  # loads only when configured

        self.base_url = base_url
        self.model = model
        self.name = f"ollama:{model}"
        self._client = OllamaEmbeddings(model=model, base_url=base_url)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        try:
            rows = self._client.embed_documents(list(texts))
        except Exception as exc:
            raise EmbeddingError(
                f"OLLAMA_EMBEDDING_MODEL {self.model} at {self.base_url} could not embed: {exc}"
            ) from exc
        vectors = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return unit
