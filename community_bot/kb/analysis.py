"""How text becomes search terms: one analysis for documents and queries, so they always agree.

Words are lower-cased, split on anything that is not a letter or digit (so `DISCORD_BOT_TOKEN`
matches "discord token"), stripped of English stopwords and reduced to their Snowball stem
("installing", "installation" → "instal"). SQLite only ever sees these stems, which keeps the
index and the query side in Python's hands: coverage scores and query shaping need the same terms.

Queries also get a small domain synonym map ("mac" finds "macOS", "llama" finds "Ollama"). Each
query word becomes a *concept*: its own stem plus the stems of its synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+")
MAX_WORD_CHARS = 40  # longer "words" are hashes, URLs or base64: never what someone types

_STOPWORD_LIST = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can cannot could did do does doing done during each else
    etc even ever every few for from further get gets getting go goes had has have having he her
    here hers herself him himself his how i if in into is it its itself just let lets like ll may
    me might more most much must my myself need needs no nor not now of off ok on once one only
    or other our ours ourselves out over own please re really same say says shall she should so
    some such than that the their theirs them themselves then there these they this those through
    thing things to too try under until up us ve very want wants was way we were what when where
    which while who whom why will with within without would yes yet you your yours yourself
    yourselves s t d m
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

# Words people use for the same thing in this domain; each group is searched as one concept.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("mac", "macos", "macbook", "osx"),
    ("linux", "ubuntu", "debian", "fedora", "distro", "distribution"),
    ("install", "setup", "installation"),
    ("aws", "bedrock"),
    ("llama", "ollama"),
    ("llm", "model"),
    ("dm", "dms", "private", "privately"),
    ("reset", "forget", "wipe", "erase", "clear"),
    ("cost", "price", "spend", "money", "budget"),
    ("persona", "personality", "voice", "tone", "profile"),
    ("spam", "flood", "rate"),
    ("settings", "config", "configuration", "env"),
    ("answer", "reply", "respond"),
    ("docs", "documents", "documentation"),
    ("lint", "linter", "linters", "ruff"),
    ("outage", "unavailable", "down", "fallback"),
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word (cached: vocabularies are Zipf-shaped)."""
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words of `text` without stopwords, before stemming."""
    return [
        w
        for w in WORD.findall(text.lower())
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit()) and len(w) <= MAX_WORD_CHARS
    ]


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order, repeats kept (they count for BM25)."""
    return [stem(w) for w in words(text)]


def _synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in SYNONYM_GROUPS:
        stems = tuple(dict.fromkeys(stem(w) for w in group))
        for term in stems:
            table[term] = (term, *(s for s in stems if s != term))
    return table


SYNONYMS = _synonyms()


def query_concepts(query: str) -> list[tuple[str, ...]]:
    """The query's distinct concepts: each a tuple of alternative stems, the word's own first."""
    concepts: dict[str, tuple[str, ...]] = {}
    for term in terms(query):
        concepts.setdefault(term, SYNONYMS.get(term, (term,)))
    return list(concepts.values())


def flatten(concepts: Iterable[tuple[str, ...]]) -> list[str]:
    """Every alternative term of the concepts, once each."""
    return list(dict.fromkeys(t for concept in concepts for t in concept))
