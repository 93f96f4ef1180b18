"""Passage vectors live beside the words in the index, follow the documents, and never mix two
models."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from community_bot.kb import vectors
from community_bot.kb.documents import Document
from community_bot.kb.embedding import StaticEmbedder, Vectors
from community_bot.kb.folders import sync_folder
from community_bot.kb.index import HYBRID_MIN_SCORE, LocalIndex
from community_bot.settings import Settings
from tests.kb.letters import letter_vectors
from tests.kb_wiring import knowledge_from

LOGS = """# Log retention

Log lines are indexed and kept for 30 days on the Business plan.
"""
SSO = """# Single sign-on

Connect Okta or Entra ID with SAML so people use their company login.
"""


class CountingEmbedder:
    """A stand-in model: deterministic vectors from letter counts, and a count of texts seen."""

    in_process = True

    def __init__(self, name: str) -> None:
        self.name = name
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.embedded += len(texts)
        return letter_vectors(texts)


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "logs.md").write_text(LOGS)
    (folder / "sso.md").write_text(SSO)
    return folder


def _counts(path: Path) -> tuple[int, int, str]:
    with sqlite3.connect(path) as connection:
        (chunks,) = connection.execute("SELECT count(*) FROM chunks").fetchone()
        (vectors,) = connection.execute("SELECT count(*) FROM chunk_vectors").fetchone()
        row = connection.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
    return chunks, vectors, row[0] if row else ""


def _open(path: Path, embedder: CountingEmbedder | StaticEmbedder | None) -> LocalIndex:
    return LocalIndex(path, embedder)


def test_every_passage_gets_a_vector_and_loses_it_with_its_document(
    tmp_path: Path, pages: Path
) -> None:
    path = tmp_path / "index.sqlite"
    index = _open(path, CountingEmbedder("a"))
    sync_folder(index, pages)
    assert _counts(path) == (2, 2, "a")

    (pages / "logs.md").write_text(LOGS + "\n## Archiving\n\nCopy events to your S3 bucket.\n")
    sync_folder(index, pages)
    assert _counts(path) == (3, 3, "a")

    (pages / "sso.md").unlink()
    sync_folder(index, pages)
    assert _counts(path) == (2, 2, "a")
    index.close()


def test_a_new_model_re_embeds_every_passage_once_and_keeps_no_old_vector(
    tmp_path: Path, pages: Path
) -> None:
    path = tmp_path / "index.sqlite"
    first = _open(path, CountingEmbedder("first"))
    sync_folder(first, pages)
    first.close()

    second_model = CountingEmbedder("second")
    second = _open(path, second_model)
    assert second.search_now("log retention", 1)[0]["source"].endswith("logs.md")
    assert _counts(path) == (2, 2, "second")
    assert second_model.embedded == 2 + 1  # the two passages, then the question
    second.close()

    again = CountingEmbedder("second")
    reopened = _open(path, again)
    reopened.search_now("log retention", 1)
    assert again.embedded == 1  # only the question: the stored vectors are this model's
    reopened.close()


def test_switching_embeddings_off_drops_the_vectors_and_on_again_rebuilds_them(
    tmp_path: Path, pages: Path
) -> None:
    path = tmp_path / "index.sqlite"
    index = _open(path, CountingEmbedder("a"))
    sync_folder(index, pages)
    index.close()

    words_only = _open(path, None)
    sync_folder(words_only, pages)
    words_only.replace_documents(
        "agent", [Document(id="faq", text="Quotas reset monthly.", title="FAQ", source="faq")]
    )
    assert _counts(path) == (3, 0, "")
    words_only.close()

    model = CountingEmbedder("a")
    _open(path, model).search_now("quotas", 1)
    assert _counts(path) == (3, 3, "a")
    assert model.embedded == 3 + 1


def test_a_question_sharing_no_word_with_the_page_finds_it_by_meaning(
    tmp_path: Path, pages: Path
) -> None:
    index = _open(tmp_path / "index.sqlite", StaticEmbedder())
    sync_folder(index, pages)

    best = index.search_now("how many days do you store what my app printed?", 2)[0]

    assert best["source"].endswith("logs.md")
    assert index.default_min_score == HYBRID_MIN_SCORE
    index.close()


def test_a_question_the_pages_dont_cover_stays_below_the_hybrid_threshold(
    tmp_path: Path, pages: Path
) -> None:
    index = _open(tmp_path / "index.sqlite", StaticEmbedder())
    sync_folder(index, pages)

    found = index.search_now("how do I bake sourdough bread?", 3)

    assert found
    assert all(p["score"] < HYBRID_MIN_SCORE for p in found)
    index.close()


async def test_the_embeddings_setting_picks_the_local_index_model(
    make_settings: Callable[..., Settings],
) -> None:
    words_only = knowledge_from(make_settings(embeddings="none"))
    hybrid = knowledge_from(make_settings(embeddings="local"))

    assert words_only.local is not None and words_only.local.embedder is None
    assert hybrid.local is not None and isinstance(hybrid.local.embedder, StaticEmbedder)
    passages, outcome = await hybrid.retrieve("where does the token of my bot go?")
    assert outcome["hit"]
    assert passages[0]["source"].endswith("discord.md")
    await hybrid.aclose()
    await words_only.aclose()


def _documents(count: int, words: str) -> list[Document]:
    return [
        Document(
            id=f"page-{n}", text=f"# Page {n}\n\n{words} {n}.", title=f"Page {n}", source=f"{n}"
        )
        for n in range(count)
    ]


def test_a_sync_moves_the_vectors_in_memory_on_exactly_as_reading_them_back_would(
    tmp_path: Path,
) -> None:
    path = tmp_path / "index.sqlite"
    index = _open(path, CountingEmbedder("a"))
    index.replace_documents("pages", _documents(6, "quotas reset monthly"))
    index.search_now("quotas", 3)  # the matrix is now held in memory

    # Pages changed (the last first: its passage has the highest id, which SQLite hands out
    # again), removed and added, over more than one embedding batch.
    rewritten = _documents(6, "rate limits per key")
    changed = [rewritten[5], *rewritten[:3], *_documents(300, "archive to the bucket")[10:]]
    index.replace_documents("pages", changed)

    held = index._matrices.held
    assert held is not None
    with sqlite3.connect(path) as connection:
        read_back = vectors.load(connection, index.version())
    assert held.generation == index.version()
    assert held.ids.tolist() == read_back.ids.tolist()
    assert np.array_equal(held.rows, read_back.rows)
    fresh = _open(path, CountingEmbedder("a"))
    assert index.search_now("rate limits", 5) == fresh.search_now("rate limits", 5)
    fresh.close()
    index.close()


def test_a_source_removed_leaves_no_vector_in_memory(tmp_path: Path, pages: Path) -> None:
    index = _open(tmp_path / "index.sqlite", CountingEmbedder("a"))
    sync_folder(index, pages)
    index.replace_documents("agent", _documents(3, "quotas reset monthly"))
    assert index.search_now("quotas monthly", 1)[0]["title"].startswith("Page")

    index.remove_source("agent")

    held = index._matrices.held
    assert held is not None and held.generation == index.version() and len(held.ids) == 2
    assert all(not p["title"].startswith("Page") for p in index.search_now("quotas monthly", 5))
    index.close()


def test_a_matrix_changed_in_memory_equals_the_one_built_from_its_rows() -> None:
    rng = np.random.default_rng(7)
    rows = {i: rng.standard_normal(4).astype(np.float32) for i in range(1, 11)}
    before = vectors.Matrix("1", np.array(sorted(rows)), np.vstack([rows[i] for i in sorted(rows)]))
    added = {i: rng.standard_normal(4).astype(np.float32) for i in (3, 11, 0)}

    after = before.changed("2", {2, 3, 7, 10}, added)

    expected = {i: v for i, v in rows.items() if i not in {2, 3, 7, 10}} | added
    assert after.generation == "2"
    assert after.ids.tolist() == sorted(expected)
    assert np.array_equal(after.rows, np.vstack([expected[i] for i in sorted(expected)]))
    assert before.ids.tolist() == list(range(1, 11))  # searches in flight keep the old one


def test_rows_added_to_an_empty_matrix_in_memory_are_searched() -> None:
    """A search before the first sync holds the empty matrix (no width yet); the sync's rows
    then move it on in memory."""
    empty = vectors.Matrix("1", np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))
    row = np.array([0.6, 0.8, 0.0], dtype=np.float32)

    after = empty.changed("2", (), {4: row})

    assert after.ids.tolist() == [4] and np.array_equal(after.rows, row[None, :])
    assert after.nearest(row, 1) == [(4, pytest.approx(1.0))]


def test_a_question_before_the_first_sync_does_not_break_the_sync(
    tmp_path: Path, pages: Path
) -> None:
    index = _open(tmp_path / "index.sqlite", CountingEmbedder("a"))
    assert index.search_now("log retention", 3) == []
    assert index._matrices.held is not None  # the empty matrix, in memory

    sync_folder(index, pages)

    assert index.search_now("log retention", 1)[0]["title"] == "Log retention"
    index.close()


def _clustered(count: int, rng: np.random.Generator) -> tuple[Vectors, Vectors]:
    """Unit rows around 300 topics that span a 16-dimensional subspace of 64 dimensions (as a
    model's vectors concentrate on a few directions), and 60 questions near those topics."""
    subspace = np.linalg.qr(rng.standard_normal((64, 16)))[0]
    topics = 3.0 * rng.standard_normal((300, 16)) @ subspace.T + 0.3

    def unit(points: Vectors) -> Vectors:
        normed: Vectors = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(
            np.float32
        )
        return normed

    rows = topics[rng.integers(0, 300, count)] + 0.2 * rng.standard_normal((count, 64))
    questions = topics[rng.integers(0, 300, 60)] + 0.2 * rng.standard_normal((60, 64))
    return unit(rows), unit(questions)


def _exact(matrix: vectors.Matrix, questions: Vectors) -> list[list[tuple[int, float]]]:
    plain = vectors.Matrix(matrix.generation, matrix.ids, matrix.rows)  # no screen: exact
    return [plain.nearest(question, 20) for question in questions]


def test_a_large_matrix_is_screened_and_finds_the_same_nearest_passages_as_the_exact_scan() -> None:
    rng = np.random.default_rng(16)
    rows, questions = _clustered(vectors.SCREEN_MIN_ROWS + 400, rng)
    rows, later = rows[:-58], rows[-58:]
    matrix = vectors.screened("1", np.arange(1, len(rows) + 1, dtype=np.int64), rows)

    assert matrix.screen is not None and 0 < matrix.screen.components <= 32
    assert [matrix.nearest(q, 20) for q in questions] == _exact(matrix, questions)

    # Rows changed in memory are projected with the same components, and still found.
    added = dict(zip([*range(5, 400, 7), len(rows) + 1], later, strict=True))
    changed = matrix.changed("2", set(range(1000, 1300)), added)
    assert changed.screen is not None and changed.screen.basis is matrix.screen.basis
    assert [changed.nearest(q, 20) for q in questions] == _exact(changed, questions)


def test_below_the_threshold_the_search_stays_exact() -> None:
    rng = np.random.default_rng(17)
    rows, questions = _clustered(vectors.SCREEN_MIN_ROWS - 1, rng)
    matrix = vectors.screened("1", np.arange(len(rows), dtype=np.int64), rows)
    assert matrix.screen is None
    assert [matrix.nearest(q, 20) for q in questions] == _exact(matrix, questions)

    # One more row crosses the threshold (the screen is computed then); 2 fewer go back under.
    grown = matrix.changed("2", (), {len(rows): rows[0]})
    assert grown.screen is not None and grown.screen.components
    assert grown.changed("3", {0, 1}, {}).screen is None


def test_a_screen_that_would_not_pay_is_not_used() -> None:
    """Vectors whose variance is spread over all their dimensions (no few components hold
    most of it): the screen would save little and miss passages, so the search stays exact."""
    rng = np.random.default_rng(18)
    rows = rng.standard_normal((vectors.SCREEN_MIN_ROWS, 32)).astype(np.float32)
    matrix = vectors.screened("1", np.arange(len(rows), dtype=np.int64), rows)
    assert matrix.screen is not None and matrix.screen.components == 0
    question = rows[7] / np.linalg.norm(rows[7])
    assert matrix.nearest(question, 20) == _exact(matrix, question[None, :])[0]
    assert matrix.nearest(question, 1)[0][0] == 7
