"""How relevant a passage is, on a 0-1 scale that means the same for every query.

BM25 ranks well but its raw scores grow with the query's length and the corpus, so no single
threshold separates "relevant" from "not" across questions. Coverage does: the share of the
question's information (its concepts, weighted by inverse document frequency) that the passage
contains. "install photoshop" against these docs covers "install" but not the rare, decisive
"photoshop", and scores low; "install on my mac" finds both and scores 1.0.

With passage vectors, `hybrid` mixes coverage with the cosine similarity of the question's and
the passage's embeddings, so a question that shares no word with the right page (a paraphrase)
can still reach it, and one that shares only its words with a page about something else scores
lower. The weight was chosen on a held-out split of the evaluation sets (`bench/kb_quality.py`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence


def idf(chunks: int, frequency: int) -> float:
    """BM25's inverse document frequency, always positive."""
    return math.log(1 + (chunks - frequency + 0.5) / (frequency + 0.5))


def concept_weights(
    concepts: Sequence[tuple[str, ...]], frequencies: Mapping[str, int], chunks: int
) -> list[float]:
    """One weight per concept: the idf of its most common alternative (unknown words weigh most,
    since a question about something the docs never mention should not count as answered)."""
    return [idf(chunks, max(frequencies.get(term, 0) for term in concept)) for concept in concepts]


def terms_in(spaced: str, terms: Iterable[str]) -> set[str]:
    """Which of `terms` a passage's stored terms hold: they are one string, terms separated by
    spaces, and a substring search for each of a question's few terms costs a fraction of
    splitting the ~130 terms of a passage into a set."""
    padded = f" {spaced} "
    return {term for term in terms if term and f" {term} " in padded}


def coverage(
    concepts: Sequence[tuple[str, ...]], weights: Sequence[float], terms: Collection[str]
) -> float:
    """The weighted share of concepts with at least one alternative among `terms`."""
    total = sum(weights)
    if total <= 0:
        return 0.0
    found = sum(
        w for concept, w in zip(concepts, weights, strict=True) if any(t in terms for t in concept)
    )
    return found / total


# Chosen on the calibration half of the evaluation sets (`python -m bench.kb_quality --calibrate`).
LEXICAL_WEIGHT = 0.75
BM25_WEIGHT = 0.2  # orders passages only: their scores (and the threshold) stay `hybrid`


def hybrid(covered: float, cosine: float, lexical_weight: float = LEXICAL_WEIGHT) -> float:
    """Coverage and (non-negative) cosine similarity, weighted; also on a 0-1 scale."""
    return lexical_weight * covered + (1 - lexical_weight) * max(cosine, 0.0)
