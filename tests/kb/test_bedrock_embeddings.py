"""EMBEDDINGS=bedrock: Titan Text Embeddings v2 through BedrockEmbeddings, over HTTP against the
Bedrock emulator's InvokeModel."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from community_bot.kb.bedrock_embeddings import BedrockEmbedder
from community_bot.kb.embedding import EmbeddingError
from community_bot.kb.folders import sync_folder
from community_bot.kb.index import LocalIndex
from community_bot.settings import Settings
from tests.emulators.bedrock_runtime import BedrockEmulator
from tests.kb_wiring import knowledge_from

TITAN = "amazon.titan-embed-text-v2:0"


@pytest.fixture(scope="module")
def server() -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as running:
        yield running


@pytest.fixture
def bedrock(server: BedrockEmulator, monkeypatch: pytest.MonkeyPatch) -> BedrockEmulator:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    server.reset()
    return server


def test_passages_are_embedded_by_titan_over_http(
    bedrock: BedrockEmulator, docs: Path, tmp_path: Path
) -> None:
    path = tmp_path / "index.sqlite"
    index = LocalIndex(path, BedrockEmbedder(TITAN, "us-east-1"))

    sync_folder(index, docs)
    found = index.search_now("install python with homebrew on macOS", 1)

    with sqlite3.connect(path) as connection:
        (vectors,) = connection.execute("SELECT count(*) FROM chunk_vectors").fetchone()
        (model,) = connection.execute(
            "SELECT value FROM meta WHERE key = 'embedding_model'"
        ).fetchone()
    assert (vectors, model) == (4, f"bedrock:{TITAN}")
    assert bedrock.model_ids("invoke") == [TITAN] * (4 + 1)  # one call a passage, one question
    assert found[0]["heading"] == "macOS"
    index.close()


def test_a_model_bedrock_refuses_is_an_error_naming_the_setting(bedrock: BedrockEmulator) -> None:
    embedder = BedrockEmbedder("amazon.nova-lite-v1:0", "us-east-1")

    with pytest.raises(EmbeddingError, match=r"BEDROCK_EMBEDDING_MODEL amazon\.nova-lite-v1:0"):
        embedder.embed(["hello"])


async def test_the_setting_selects_bedrock_embeddings(
    bedrock: BedrockEmulator, make_settings: Callable[..., Settings]
) -> None:
    knowledge = knowledge_from(make_settings(embeddings="bedrock", aws_region="us-east-1"))

    passages, outcome = await knowledge.retrieve("where does the bot token go?")

    assert knowledge.local is not None
    assert isinstance(knowledge.local.embedder, BedrockEmbedder)
    assert outcome["hit"]
    assert passages[0]["source"].endswith("discord.md")
    await knowledge.aclose()
