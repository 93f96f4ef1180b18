"""A synthetic knowledge base and questions about it, the same on every run (seeded).

Documents read like community docs: a title about a topic, short paragraphs mixing a small
domain vocabulary with a long tail of rarer words (Zipf-like), so a full-text index sees posting
lists of realistic shape. Questions use the same vocabulary and never repeat, so no retrieval
cache can answer them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from community_bot.kb.documents import Document

TOPICS = (
    "install", "upgrade", "docker", "windows", "macos", "linux", "permissions", "roles",
    "webhooks", "database", "backups", "logging", "tokens", "rate limits", "slash commands",
    "threads", "forum posts", "embeddings", "proxy", "certificates", "memory", "prompts",
    "moderation", "reactions", "scheduling", "exports", "plugins", "sharding", "metrics", "cache",
)  # fmt: skip
VERBS = (
    "configure", "restart", "enable", "disable", "migrate", "debug", "inspect", "rotate",
    "export", "import", "reset", "limit", "schedule", "monitor", "secure", "update",
)  # fmt: skip
OBJECTS = (
    "the bot", "the server", "a channel", "the cache", "the index", "the token", "the config file",
    "the service", "the container", "the queue", "a role", "the database", "the logs",
)  # fmt: skip
SYLLABLES = ("ka", "lo", "mi", "ren", "tsu", "vo", "gar", "pel", "dun", "shi", "xo", "bri", "ta")
RARE_WORDS = 5000
WORDS_PER_CHUNK = 90


def _rare_vocabulary(rng: random.Random) -> list[str]:
    words = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(RARE_WORDS * 2)}
    return sorted(words)[:RARE_WORDS]


def _paragraph(rng: random.Random, topic: str, rare: list[str], weights: list[float]) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < WORDS_PER_CHUNK:
        tail = " ".join(rng.choices(rare, weights=weights, k=rng.randint(4, 9)))
        sentences.append(
            f"To {rng.choice(VERBS)} {rng.choice(OBJECTS)} for {topic}, {tail}. "
            f"See {rng.choice(TOPICS)} when {rng.choice(OBJECTS)} {rng.choice(VERBS)}s {tail[:24]}."
        )
    return " ".join(sentences)


def documents(chunks: int, seed: int = 7) -> Iterator[Document]:
    """Documents of one short paragraph each, so the index holds about `chunks` chunks."""
    rng = random.Random(seed)
    rare = _rare_vocabulary(rng)
    weights = [1 / rank for rank in range(1, len(rare) + 1)]
    for number in range(chunks):
        topic = TOPICS[number % len(TOPICS)]
        title = f"{topic.capitalize()}: {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({number})"
        yield Document(
            id=f"synthetic/{number:06d}.md",
            text=f"# {title}\n\n{_paragraph(rng, topic, rare, weights)}\n",
            title=title,
            source=f"synthetic/{number:06d}.md",
            category=topic,
        )


def questions(seed: int = 11) -> Iterator[str]:
    """An endless stream of distinct community questions over the corpus vocabulary."""
    rng = random.Random(seed)
    for number in itertools.count(1):
        topic, verb, thing = rng.choice(TOPICS), rng.choice(VERBS), rng.choice(OBJECTS)
        yield f"How do I {verb} {thing} for {topic}? (question {number})"
