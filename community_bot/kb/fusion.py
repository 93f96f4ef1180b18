"""Merge ranked lists from several sources by reciprocal rank fusion.

Scores from different sources are not comparable (BM25 coverage, Bedrock similarity), ranks are:
RRF scores a passage by the sum of 1 / (RRF_K + rank) over the lists it appears in, which rewards
agreement between sources and needs no calibration between them.
"""

from __future__ import annotations

from collections.abc import Sequence

from community_bot.types import Passage

RRF_K = 60  # the constant of Cormack et al.; dampens the weight of the very first ranks


def passage_key(passage: Passage) -> str:
    """The same text found by two sources is one passage (whatever its spacing)."""
    return " ".join(passage["text"].split())


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Passage]], k: int) -> list[Passage]:
    """The best `k` passages over all rankings, each ranking best first."""
    fused: dict[str, float] = {}
    first_seen: dict[str, Passage] = {}
    for ranking in rankings:
        for rank, passage in enumerate(ranking, start=1):
            key = passage_key(passage)
            fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank)
            first_seen.setdefault(key, passage)
    order = sorted(fused, key=lambda key: fused[key], reverse=True)
    return [first_seen[key] for key in order[:k]]
