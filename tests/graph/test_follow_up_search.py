"""A member's short questions in a row: the second is searched with the first only when it leans
on it. Over the real graph and the bundled knowledge base (no model: the docs answer)."""

from __future__ import annotations

from pathlib import Path

from community_bot.settings import Settings
from community_bot.turns import Author
from runtime.app import open_app

ALICE = Author("1", "alice")


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


async def test_a_short_question_on_a_new_topic_is_searched_alone(tmp_path: Path) -> None:
    async with open_app(_settings(tmp_path)) as app:
        await app.conversation.ask("cli", "How do I install community-bot on my Mac?", ALICE)
        second = await app.conversation.ask("cli", "How do I reset the memory?", ALICE)
    assert second.retrieval is not None
    sources = second.retrieval["sources"]
    assert sources[0].endswith("memory.md")
    assert not any("install" in source for source in sources), sources


async def test_a_short_question_that_leans_on_the_last_one_is_searched_with_it(
    tmp_path: Path,
) -> None:
    async with open_app(_settings(tmp_path)) as app:
        await app.conversation.ask("cli", "How do I install community-bot on my Mac?", ALICE)
        second = await app.conversation.ask("cli", "and what about Linux?", ALICE)
    assert second.retrieval is not None
    assert any("install-linux" in source for source in second.retrieval["sources"])


async def test_a_short_question_that_finds_nothing_alone_is_searched_with_the_last_one(
    tmp_path: Path,
) -> None:
    async with open_app(_settings(tmp_path)) as app:
        await app.conversation.ask("cli", "How do I install community-bot on my Mac?", ALICE)
        second = await app.conversation.ask("cli", "any prerequisites?", ALICE)
    assert second.retrieval is not None
    assert any("install-macos" in source for source in second.retrieval["sources"])
