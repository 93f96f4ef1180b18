"""Coverage asks a passage's stored terms for whole terms only; fusion merges equal texts."""

from __future__ import annotations

from community_bot.kb.fusion import reciprocal_rank_fusion
from community_bot.kb.scoring import SpacedTerms, coverage
from community_bot.types import Passage


def test_spaced_terms_find_whole_terms_only() -> None:
    terms = SpacedTerms("instal  mac  brew instal")  # an empty heading leaves two spaces
    assert "instal" in terms and "mac" in terms and "brew" in terms
    assert "ma" not in terms and "ac" not in terms and "nstal" not in terms
    assert "" not in terms and "window" not in terms


def test_coverage_over_spaced_terms_equals_coverage_over_a_set() -> None:
    concepts = [("instal", "setup"), ("mac",), ("photoshop",)]
    weights = [1.0, 2.0, 5.0]
    stored = "setup guid for mac user"
    assert coverage(concepts, weights, SpacedTerms(stored)) == coverage(
        concepts, weights, set(stored.split())
    )
    assert coverage(concepts, weights, SpacedTerms(stored)) == 3.0 / 8.0


def passage(text: str, origin: str) -> Passage:
    return {"text": text, "title": "t", "source": origin, "heading": "", "score": 1.0}


def test_the_same_text_from_two_sources_is_one_passage_whatever_its_spacing() -> None:
    fused = reciprocal_rank_fusion(
        [
            [passage("Run  the\ninstaller.", "local"), passage("Other.", "local")],
            [passage("Run the installer.", "bedrock")],
        ],
        k=4,
    )
    assert [p["source"] for p in fused] == ["local", "local"]
    assert [p["text"] for p in fused] == ["Run  the\ninstaller.", "Other."]
