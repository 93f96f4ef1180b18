"""Passage embeddings from Amazon Bedrock (`EMBEDDINGS=bedrock`): Titan Text Embeddings v2
through `langchain-aws`'s `BedrockEmbeddings` (InvokeModel, one text a call).

Credentials, region and endpoint come from the standard AWS chain and AWS_REGION, as for the
models. The vectors' name includes the model id, so switching models re-embeds the index once.
A failure raises `EmbeddingError` naming BEDROCK_EMBEDDING_MODEL.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from community_bot.kb.embedding import EmbeddingError, Vectors


class BedrockEmbedder:
    """An `Embedder` backed by a Bedrock embedding model."""

    def __init__(self, model_id: str, region: str | None = None) -> None:
        from langchain_aws import BedrockEmbeddings  # boto3 loads only when configured

        self.model_id = model_id
        self.name = f"bedrock:{model_id}"
        self._client = BedrockEmbeddings(model_id=model_id, region_name=region)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        try:
            rows = self._client.embed_documents(list(texts))
        except Exception as exc:
            raise EmbeddingError(
                f"BEDROCK_EMBEDDING_MODEL {self.model_id} could not embed: {exc}"
            ) from exc
        vectors = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return unit
