"""Passage embeddings from Amazon Bedrock (`EMBEDDINGS=bedrock`): Titan Text Embeddings v2
through `langchain-aws`'s `BedrockEmbeddings` (InvokeModel, one text a call).

Credentials, region and endpoint come from the standard AWS chain and AWS_REGION, as for the
models. The vectors' name includes the model id, so switching models re-embeds the index once.
A failure raises `EmbeddingError` naming BEDROCK_EMBEDDING_MODEL.
"""

from __future__ import annotations

from collections.abc import Sequence

from community_bot.kb.embedding import Vectors, embed_with_service


class BedrockEmbedder:
    """An `Embedder` backed by a Bedrock embedding model."""

    in_process = False  # every embed is a call over the network

    def __init__(self, model_id: str, region: str | None = None) -> None:
        from langchain_aws import BedrockEmbeddings  # boto3 loads only when configured

        self.model_id = model_id
        self.name = f"bedrock:{model_id}"
        self._client = BedrockEmbeddings(model_id=model_id, region_name=region)

    def embed(self, texts: Sequence[str]) -> Vectors:
        return embed_with_service(self._client, texts, f"BEDROCK_EMBEDDING_MODEL {self.model_id}")
