"""`Knowledge` merges sources, survives a failing one, and caches until the content changes."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from community_bot.kb import Knowledge, LocalIndex
from community_bot.kb.folders import sync_folder
from community_bot.settings import Settings
from community_bot.types import Passage
from tests.kb_wiring import knowledge_from

MakeSettings = Callable[..., Settings]


def passage(text: str, score: float, origin: str) -> Passage:
    return {
        "text": text,
        "title": text,
        "source": f"{origin}/{text}",
        "heading": "",
        "score": score,
        "origin": origin,
    }


@dataclass
class StaticSource:
    """A KnowledgeSource answering every query with the same ranking."""

    name: str
    ranking: list[Passage]
    default_min_score: float = 0.0
    queries: list[str] = field(default_factory=list)

    async def search(self, query: str, k: int) -> list[Passage]:
        self.queries.append(query)
        return self.ranking[:k]

    def version(self) -> str:
        return "1"

    def describe(self) -> str:
        return f"{self.name}: {len(self.ranking)} passages"


@dataclass
class BrokenSource:
    name: str = "bedrock:BROKEN"

    async def search(self, query: str, k: int) -> list[Passage]:
        raise ConnectionError("endpoint unreachable")

    def version(self) -> str:
        return "1"

    def describe(self) -> str:
        raise ConnectionError("endpoint unreachable")


@dataclass
class CountingSource:
    """Counts the searches that reach the wrapped source."""

    inner: LocalIndex
    searches: int = 0

    @property
    def name(self) -> str:
        return self.inner.name

    async def search(self, query: str, k: int) -> list[Passage]:
        self.searches += 1
        return await self.inner.search(query, k)

    def version(self) -> str:
        return self.inner.version()

    def describe(self) -> str:
        return self.inner.describe()


async def test_rankings_of_two_sources_merge_by_reciprocal_rank(
    make_settings: MakeSettings,
) -> None:
    local = StaticSource("local", [passage(t, s, "local") for t, s in [("a", 9), ("b", 8)]])
    remote = StaticSource("bedrock:KB", [passage(t, s, "kb") for t, s in [("c", 0.9), ("a", 0.5)]])
    knowledge = Knowledge([local, remote], make_settings().knowledge)

    passages, outcome = await knowledge.retrieve("anything", k=3)

    # "a" is in both lists; "c" and "b" tie on rank 1 and 2 of one list each: rank 1 wins.
    assert [p["text"] for p in passages] == ["a", "c", "b"]
    assert passages[0]["origin"] == "local"  # the first list that found it
    assert outcome["hit"] is True
    assert outcome["scores"] == [9, 0.9, 8]
    assert outcome["sources"] == ["local/a", "kb/c", "local/b"]
    assert outcome["top_score"] == 9


async def test_a_failing_source_is_logged_and_skipped(
    make_settings: MakeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    local = StaticSource("local", [passage("a", 1.0, "local")])
    knowledge = Knowledge([BrokenSource(), local], make_settings().knowledge)

    with caplog.at_level(logging.WARNING):
        passages, outcome = await knowledge.retrieve("anything")

    assert [p["text"] for p in passages] == ["a"]
    assert outcome["hit"] is True
    assert "bedrock:BROKEN failed" in caplog.text
    assert knowledge.describe_sources() == [
        "bedrock:BROKEN: unavailable (endpoint unreachable)",
        "local: 1 passages",
    ]


async def test_a_failed_search_is_not_cached(make_settings: MakeSettings) -> None:
    local = StaticSource("local", [passage("a", 1.0, "local")])
    knowledge = Knowledge([BrokenSource(), local], make_settings().knowledge)

    await knowledge.retrieve("anything")
    await knowledge.retrieve("anything")

    assert len(local.queries) == 2


async def test_passages_below_a_sources_threshold_are_dropped(make_settings: MakeSettings) -> None:
    source = StaticSource(
        "local", [passage("good", 0.8, "local"), passage("weak", 0.1, "local")], 0.3
    )
    knowledge = Knowledge([source], make_settings().knowledge)

    passages, outcome = await knowledge.retrieve("anything")

    assert [p["text"] for p in passages] == ["good"]
    assert outcome["scores"] == [0.8]


async def test_kb_min_score_overrides_every_sources_threshold(
    make_settings: MakeSettings,
) -> None:
    source = StaticSource("local", [passage("good", 0.8, "local")], 0.3)
    knowledge = Knowledge([source], make_settings(kb_min_score=0.9).knowledge)

    passages, outcome = await knowledge.retrieve("anything")

    assert passages == []
    assert outcome["hit"] is False
    assert outcome["top_score"] == 0.8  # the near miss stays visible in the metrics


async def test_a_question_the_docs_dont_cover_is_a_recorded_miss(
    make_settings: MakeSettings,
) -> None:
    knowledge = knowledge_from(make_settings())
    await knowledge.prepare()

    passages, outcome = await knowledge.retrieve("Who won the football world cup?")
    await knowledge.aclose()

    assert passages == []
    assert outcome["hit"] is False
    assert outcome["scores"] == [] and outcome["sources"] == []
    assert outcome["latency_ms"] > 0


@pytest.fixture
def counting(index: LocalIndex, docs: Path) -> CountingSource:
    """The synced local index, counting the searches that reach it."""
    sync_folder(index, docs)
    return CountingSource(index)


async def test_a_repeated_question_is_answered_from_the_cache(
    make_settings: MakeSettings, counting: CountingSource
) -> None:
    knowledge = Knowledge([counting], make_settings().knowledge)

    first, _ = await knowledge.retrieve("How do I install it on my Mac?")
    again, outcome = await knowledge.retrieve("how do I install it on my mac")

    assert counting.searches == 1
    assert again == first and first[0]["heading"] == "macOS"
    assert outcome["hit"] is True


async def test_the_cache_is_invalidated_when_the_docs_change(
    make_settings: MakeSettings, counting: CountingSource, docs: Path
) -> None:
    knowledge = Knowledge([counting], make_settings().knowledge)
    before, _ = await knowledge.retrieve("homebrew")

    (docs / "install.md").write_text("# Install\n\n## macOS\n\nUse MacPorts instead of Homebrew.\n")
    sync_folder(counting.inner, docs)
    after, _ = await knowledge.retrieve("homebrew")

    assert counting.searches == 2
    assert "brew install" in before[0]["text"]
    assert after[0]["text"] == "Use MacPorts instead of Homebrew."


async def test_preparing_again_without_changes_indexes_nothing(
    make_settings: MakeSettings,
) -> None:
    knowledge = knowledge_from(make_settings())
    await knowledge.prepare()

    reports = await knowledge.prepare()
    await knowledge.aclose()

    assert [(r.index.unchanged, r.index.chunks) for r in reports] == [(3, 0)]


async def test_the_local_source_can_be_switched_off(make_settings: MakeSettings) -> None:
    knowledge = knowledge_from(make_settings(local_kb_enabled=False))

    assert await knowledge.prepare() == []
    passages, outcome = await knowledge.retrieve("homebrew")

    assert passages == [] and outcome["hit"] is False
    assert knowledge.describe_sources() == []


async def test_status_describes_the_local_source(make_settings: MakeSettings) -> None:
    knowledge = knowledge_from(make_settings())
    await knowledge.prepare()

    [line] = knowledge.describe_sources()
    await knowledge.aclose()

    assert line.startswith("local: 3 documents, 4 passages, synced ")
    assert line.endswith(", searched by words and meaning")


async def test_a_runtime_that_never_prepares_gets_synced_docs_on_the_first_question(
    make_settings: MakeSettings,
) -> None:
    knowledge = knowledge_from(make_settings())  # as LangGraph Studio builds it

    passages, outcome = await knowledge.retrieve("homebrew")
    await knowledge.aclose()

    assert outcome["hit"] is True
    assert passages[0]["source"] == "docs/install.md"


async def test_a_broken_local_index_is_logged_and_the_other_sources_still_answer(
    make_settings: MakeSettings,
    index: LocalIndex,
    docs: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sync_folder(index, docs)
    with sqlite3.connect(index.path) as damage:  # the index's search table is gone
        damage.execute("DROP TABLE chunk_terms")
    remote = StaticSource("bedrock:KB", [passage("from bedrock", 0.9, "kb")])
    knowledge = Knowledge([index, remote], make_settings().knowledge)

    with caplog.at_level(logging.WARNING):
        passages, outcome = await knowledge.retrieve("How do I install it on my Mac?")

    assert [p["text"] for p in passages] == ["from bedrock"]
    assert outcome["hit"] is True
    assert "knowledge source local failed, skipped" in caplog.text
