"""Coverage asks a passage's stored terms for whole terms only; fusion merges equal texts."""

from __future__ import annotations

from community_bot.kb.fusion import reciprocal_rank_fusion
from community_bot.kb.scoring import coverage, terms_in
from community_bot.types import Passage


def test_stored_terms_are_found_whole_only() -> None:
    stored = "instal  mac  brew instal"  # an empty heading leaves two spaces
    asked = ["instal", "mac", "brew", "ma", "ac", "nstal", "", "window"]
    assert terms_in(stored, asked) == {"instal", "mac", "brew"}


def test_coverage_of_the_terms_found_equals_coverage_over_all_stored_terms() -> None:
    concepts = [("instal", "setup"), ("mac",), ("photoshop",)]
    weights = [1.0, 2.0, 5.0]
    stored = "setup guid for mac user"
    asked = [term for concept in concepts for term in concept]
    present = terms_in(stored, asked)
    assert coverage(concepts, weights, present) == coverage(concepts, weights, set(stored.split()))
    assert coverage(concepts, weights, present) == 3.0 / 8.0


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
