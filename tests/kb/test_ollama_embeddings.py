"""EMBEDDINGS=ollama: passage vectors from an Ollama server, over HTTP against the emulator."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from community_bot.kb.embedding import EmbeddingError
from community_bot.kb.folders import sync_folder
from community_bot.kb.index import LocalIndex
from community_bot.kb.ollama_embeddings import OllamaEmbedder
from community_bot.settings import Settings
from tests.emulators.ollama import OllamaEmulator
from tests.kb_wiring import knowledge_from

MODEL = "nomic-embed-text"


@pytest.fixture(scope="module")
def ollama() -> Iterator[OllamaEmulator]:
    with OllamaEmulator(models=[MODEL]) as server:
        yield server


def _vectors(path: Path) -> tuple[int, int, str]:
    with sqlite3.connect(path) as connection:
        (chunks,) = connection.execute("SELECT count(*) FROM chunks").fetchone()
        (vectors,) = connection.execute("SELECT count(*) FROM chunk_vectors").fetchone()
        (model,) = connection.execute(
            "SELECT value FROM meta WHERE key = 'embedding_model'"
        ).fetchone()
    return chunks, vectors, model


def test_passages_are_embedded_by_the_ollama_model_over_http(
    ollama: OllamaEmulator, docs: Path, tmp_path: Path
) -> None:
    path = tmp_path / "index.sqlite"
    index = LocalIndex(path, OllamaEmbedder(ollama.url, MODEL))
    sent_before = len(ollama.embedded)

    sync_folder(index, docs)
    found = index.search_now("install python with homebrew on macOS", 1)

    assert _vectors(path) == (4, 4, f"ollama:{MODEL}")
    assert len(ollama.embedded) - sent_before == 4 + 1  # the passages, then the question
    assert found[0]["heading"] == "macOS"
    index.close()


def test_a_model_the_server_lacks_is_an_error_naming_it(ollama: OllamaEmulator) -> None:
    embedder = OllamaEmbedder(ollama.url, "no-such-model")

    with pytest.raises(EmbeddingError, match="OLLAMA_EMBEDDING_MODEL no-such-model"):
        embedder.embed(["hello"])


async def test_the_setting_selects_ollama_embeddings(
    ollama: OllamaEmulator, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        embeddings="ollama", ollama_base_url=ollama.url, ollama_embedding_model=MODEL
    )
    knowledge = knowledge_from(settings)

    passages, outcome = await knowledge.retrieve("where does the bot token go?")

    assert knowledge.local is not None
    assert isinstance(knowledge.local.embedder, OllamaEmbedder)
    assert outcome["hit"]
    assert passages[0]["source"].endswith("discord.md")
    await knowledge.aclose()


def test_a_question_the_server_cannot_embed_is_searched_by_words_and_logged(
    ollama: OllamaEmulator, docs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = LocalIndex(tmp_path / "index.sqlite", OllamaEmbedder(ollama.url, MODEL))
    sync_folder(index, docs)
    ollama.models.remove(MODEL)
    try:
        found = index.search_now("install python with homebrew on macOS", 1)
    finally:
        ollama.models.append(MODEL)
        index.close()

    assert found[0]["heading"] == "macOS"
    assert found[0]["score"] == 1.0  # coverage alone: every word of the question is there
    assert "searched by words only" in caplog.text
    assert "OLLAMA_EMBEDDING_MODEL nomic-embed-text" in caplog.text
