"""Questions find the passage that answers them, in other words than the docs use."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.kb_quality import SETS, judge, rates
from community_bot.kb.embedding import StaticEmbedder
from community_bot.kb.folders import sync_folder
from community_bot.kb.index import DEFAULT_MIN_SCORE, HYBRID_MIN_SCORE, LocalIndex


@pytest.fixture
def synced(index: LocalIndex, docs: Path) -> LocalIndex:
    sync_folder(index, docs)
    return index


@pytest.mark.parametrize(
    ("question", "source", "heading"),
    [
        ("How do I install it on my Mac?", "docs/install.md", "macOS"),
        ("installing on windows", "docs/install.md", "Windows"),
        ("Where does the bot token go?", "docs/discord.md", ""),
        ("How do I wipe the conversation?", "docs/memory.rst", ""),
    ],
)
def test_the_answering_passage_comes_first(
    synced: LocalIndex, question: str, source: str, heading: str
) -> None:
    best = synced.search_now(question, 3)[0]

    assert (best["source"], best["heading"]) == (source, heading)
    assert best["score"] >= DEFAULT_MIN_SCORE
    assert best["origin"] == "local"


def test_an_off_topic_question_scores_below_the_threshold(synced: LocalIndex) -> None:
    assert synced.search_now("What is the capital of France?", 3) == []
    assert all(p["score"] < DEFAULT_MIN_SCORE for p in synced.search_now("install photoshop", 3))


def test_a_question_of_only_stopwords_finds_nothing(synced: LocalIndex) -> None:
    assert synced.search_now("how do I do it?", 3) == []


def test_query_syntax_is_never_interpreted_by_sqlite(synced: LocalIndex) -> None:
    assert synced.search_now('homebrew" OR NEAR(x) AND -python*', 3)[0]["heading"] == "macOS"


def test_sample_corpus_eval_set_stays_above_its_measured_hit_rates() -> None:
    """Measured 82.5% top-1, 93.7% top-3 (bench/kb_quality.py); a small margin for noise."""
    found = rates(judge())

    assert found["questions"] >= 40
    assert found["top3"] >= 0.90
    assert found["top1"] >= 0.78
    assert found["answered"] >= 0.95
    assert found["off_topic_missed"] >= 0.9


def test_hybrid_search_stays_above_its_measured_rates_on_both_eval_sets() -> None:
    """Measured with the shipped model (docs/knowledge-base.md): sample docs 84.1% top-1, 95.2%
    top-3, all off-topic rejected; Beacon 82.8% top-1, 85% off-topic rejected. A small margin."""
    embedder = StaticEmbedder()
    sample = judge(embedder=embedder)
    corpus, questions = SETS["beacon"]
    beacon = judge(corpus, questions, embedder)
    threshold = HYBRID_MIN_SCORE

    assert rates(sample, threshold)["top1"] >= 0.80
    assert rates(sample, threshold)["top3"] >= 0.92
    assert rates(sample, threshold)["off_topic_missed"] >= 0.9
    assert len(beacon) >= 150
    assert rates(beacon, threshold)["top1"] >= 0.78
    assert rates(beacon, threshold)["off_topic_missed"] >= 0.8
    for kind in ("symptom", "exact", "near-duplicate"):
        assert rates([j for j in beacon if j.kind == kind])["top1"] >= 0.75, kind
