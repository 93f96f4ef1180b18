"""The old bot's generic HTTP knowledge endpoint is searched beside the other sources, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from community_bot.errors import ConfigError
from community_bot.settings import Settings, load_settings
from tests.emulators.http_knowledge import HttpKnowledgeEmulator
from tests.kb_wiring import knowledge_from


@pytest.fixture
def service() -> Iterator[HttpKnowledgeEmulator]:
    with HttpKnowledgeEmulator(api_key="s3cret") as server:
        server.add(
            "Game night is every Friday at 8 pm UTC.", "https://wiki.example/events", "Events"
        )
        server.add(
            "Soldering irons live in the hardware room.", "https://wiki.example/hw", "Hardware"
        )
        yield server


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    for name in ("KB_HTTP_ENDPOINT", "KB_HTTP_API_KEY", "KB_API_KEY", "KNOWLEDGE_BASE_ID"):
        monkeypatch.delenv(name, raising=False)


async def search(settings: Settings, query: str) -> tuple[list[str], list[str]]:
    knowledge = knowledge_from(settings)
    await knowledge.prepare()
    try:
        passages, _ = await knowledge.retrieve(query)
    finally:
        await knowledge.aclose()
    return [s.name for s in knowledge.sources], [p["source"] for p in passages]


@pytest.mark.usefixtures("clean")
async def test_old_kb_direct_endpoint_with_its_api_key_is_searched_beside_the_local_docs(
    service: HttpKnowledgeEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_DIRECT_ENDPOINT", service.endpoint)
    monkeypatch.setenv("KB_API_KEY", "s3cret")
    settings = load_settings()
    names, found = await search(settings, "when is game night")
    assert names == ["local", f"http:127.0.0.1:{service.port}"]
    assert found[0] == "https://wiki.example/events"
    assert service.requests[0].headers["x-api-key"] == "s3cret"
    assert service.requests[0].body == {"query": "when is game night", "top_k": 5}
    assert any(n.variable == "KB_DIRECT_ENDPOINT" for n in settings.legacy.notes)


@pytest.mark.usefixtures("clean")
async def test_a_refused_key_skips_that_source_with_a_warning_and_the_others_still_answer(
    service: HttpKnowledgeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(kb_http_endpoint=service.endpoint, kb_http_api_key="wrong")
    names, found = await search(settings, "How do I install community-bot on my Mac?")
    assert len(names) == 2
    assert found and all(not s.startswith("https://wiki.example") for s in found)
    assert any("check KB_HTTP_API_KEY" in r.getMessage() for r in caplog.records)


@pytest.mark.usefixtures("clean")
def test_kb_http_endpoint_must_be_a_url() -> None:
    with pytest.raises(ConfigError, match="KB_HTTP_ENDPOINT: must be an http"):
        load_settings(kb_http_endpoint="wiki.example/search")
