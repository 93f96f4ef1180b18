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

from community_bot.kb.embedding import Vectors, embed_with_service


class OllamaEmbedder:
    """An `Embedder` backed by an Ollama model."""

    in_process = False  # every embed is a call over the network

    def __init__(self, base_url: str, model: str) -> None:
        from langchain_ollama import OllamaEmbeddings  # loads only when configured

        self.base_url = base_url
        self.model = model
        self.name = f"ollama:{model}"
        self._client = OllamaEmbeddings(model=model, base_url=base_url)

    def embed(self, texts: Sequence[str]) -> Vectors:
        what = f"OLLAMA_EMBEDDING_MODEL {self.model} at {self.base_url}"
        return embed_with_service(self._client, texts, what)
