"""Stand-in embedding vectors for tests: deterministic, from letter counts, unit length."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from community_bot.kb.embedding import Vectors


def letter_vectors(texts: Sequence[str]) -> Vectors:
    """One row per text: its letters a-z counted, normalised (all zeros without letters)."""
    rows = np.zeros((len(texts), 26), dtype=np.float32)
    for row, text in zip(rows, texts, strict=True):
        for letter in text.lower():
            if "a" <= letter <= "z":
                row[ord(letter) - 97] += 1
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
