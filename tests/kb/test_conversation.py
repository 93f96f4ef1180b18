"""The real knowledge base inside the real graph: passages reach the prompt and the citations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from langchain_core.messages import SystemMessage

from community_bot.settings import Settings
from community_bot.turns import Author
from nodes.answer_from_docs import NO_MODEL
from nodes.services import Services
from prompts.loader import instruction
from runtime.app import App, open_app
from tests.fakes import ScriptedGateway, length_router
from tests.kb_wiring import knowledge_from

ALICE = Author(id="1", name="Alice")


@asynccontextmanager
async def app_with_docs(
    make_settings: Callable[..., Settings], gateway: ScriptedGateway
) -> AsyncIterator[App]:
    settings = make_settings()
    services = Services(
        settings.memory, settings.prompts, knowledge_from(settings), gateway, length_router
    )
    async with open_app(settings, services) as app:
        yield app


def system_prompt(gateway: ScriptedGateway) -> str:
    system = gateway.prompts[0][0]
    assert isinstance(system, SystemMessage)
    return str(system.content)


async def test_retrieved_passages_are_numbered_in_the_prompt_and_cited_in_the_answer(
    make_settings: Callable[..., Settings],
) -> None:
    gateway = ScriptedGateway(answers=["Install Python with Homebrew [1]."])
    async with app_with_docs(make_settings, gateway) as app:
        reply = await app.conversation.ask("c", "How do I install it on my Mac?", ALICE)

    prompt = system_prompt(gateway)
    assert "[1] Install › macOS (docs/install.md)\nInstall Python with Homebrew" in prompt
    assert "<reference_material>" in prompt
    assert reply.citations == [
        {"number": 1, "title": "Install › macOS", "source": "docs/install.md"}
    ]
    assert reply.retrieval is not None and reply.retrieval["hit"] is True


async def test_without_a_relevant_passage_the_model_is_told_the_docs_dont_cover_it(
    make_settings: Callable[..., Settings],
) -> None:
    gateway = ScriptedGateway(answers=["The docs don't cover that."])
    async with app_with_docs(make_settings, gateway) as app:
        reply = await app.conversation.ask("c", "Who painted the Mona Lisa?", ALICE)

    prompt = system_prompt(gateway)
    assert instruction("no_match") in prompt
    assert "<reference_material>" not in prompt
    assert reply.citations == []
    assert reply.retrieval is not None and reply.retrieval["hit"] is False


async def test_without_a_model_the_answer_quotes_the_best_passage_with_its_source(
    make_settings: Callable[..., Settings],
) -> None:
    gateway = ScriptedGateway(no_models=True)
    async with app_with_docs(make_settings, gateway) as app:
        reply = await app.conversation.ask("c", "Where do I put the Discord bot token?", ALICE)

    assert reply.text.startswith(NO_MODEL)
    assert "> Copy the bot token from the developer portal" in reply.text
    assert reply.citations[0] == {
        "number": 1,
        "title": "Discord setup",
        "source": "docs/discord.md",
    }
