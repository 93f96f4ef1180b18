"""The shipped static embedding model: loads without torch, and puts like meanings together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from community_bot.kb.embedding import MODEL_FILE, EmbeddingError, StaticEmbedder


@pytest.fixture(scope="module")
def embedder() -> StaticEmbedder:
    return StaticEmbedder()


def test_every_text_becomes_one_unit_vector(embedder: StaticEmbedder) -> None:
    vectors = embedder.embed(["how long are logs kept?", "Log retention: 30 days", "logs " * 2000])

    assert vectors.dtype == np.float32
    assert vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_without_known_tokens_is_a_zero_vector(embedder: StaticEmbedder) -> None:
    vectors = embedder.embed(["", "hello"])

    assert not vectors[0].any()
    assert np.linalg.norm(vectors[1]) == pytest.approx(1.0, abs=1e-5)


def test_a_paraphrase_is_nearer_than_an_unrelated_text(embedder: StaticEmbedder) -> None:
    question, page, unrelated = embedder.embed(
        [
            "how many days do you store my application's output?",
            "Log retention. Log lines are indexed and kept for 30 days.",
            "Bake the sourdough bread at 230 degrees for forty minutes.",
        ]
    )

    assert question @ page > question @ unrelated + 0.1


def test_batches_and_single_texts_give_the_same_vectors(embedder: StaticEmbedder) -> None:
    texts = ["single sign-on with SAML", "", "rate limits per API key"]
    batch = embedder.embed(texts)
    one_by_one = np.vstack([embedder.embed([text]) for text in texts])

    assert np.allclose(batch, one_by_one, atol=1e-6)


def test_a_question_alone_embeds_to_the_same_bits_as_in_a_batch(embedder: StaticEmbedder) -> None:
    # a question takes a shorter path than passages (one text); nothing may tell them apart
    texts = [
        f"How do I {verb} the bot on {place}? It says error {number}."
        for verb in ("install", "reset", "update", "configure")
        for place in ("macOS", "Windows 11", "a Raspberry Pi", "Ubuntu 24.04")
        for number in (7, 404)
    ]
    batch = embedder.embed(texts)
    for row, text in zip(batch, texts, strict=True):
        assert np.array_equal(embedder.embed([text])[0], row)


def test_the_model_name_comes_from_the_file_and_names_the_build(
    embedder: StaticEmbedder,
) -> None:
    assert embedder.name.startswith("static:minilm-l6-v2-static-")
    assert StaticEmbedder().name == embedder.name


def test_a_missing_model_file_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.safetensors"

    with pytest.raises(EmbeddingError, match=r"nowhere\.safetensors"):
        StaticEmbedder(missing, MODEL_FILE.parent / "vocab.txt").embed(["hello"])
