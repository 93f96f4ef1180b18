"""The long-lived collaborators the graph's nodes use, built from settings in one place."""

from __future__ import annotations

import asyncio
from typing import Protocol

from community_bot.models.gateway import ModelGateway
from community_bot.settings import MemorySettings, PromptSettings, Settings
from community_bot.types import Passage, RetrievalOutcome, Tier
from prompts.loader import PromptProfile, load_instructions, load_profile


class KnowledgeSearch(Protocol):
    """What the retrieve node needs from the knowledge base."""

    async def retrieve(
        self, query: str, k: int | None = None
    ) -> tuple[list[Passage], RetrievalOutcome]: ...


class RouteChoiceLike(Protocol):
    """The router's verdict as the route node reads it."""

    @property
    def tier(self) -> Tier: ...

    @property
    def reason(self) -> str: ...


class Router(Protocol):
    """Picks a tier for a message without calling a model."""

    def __call__(
        self,
        text: str,
        *,
        previous_tier: Tier | None = None,
        previous_text: str | None = None,
        kb_top_score: float | None = None,
        kb_hit: bool | None = None,
    ) -> RouteChoiceLike: ...


class Services:
    """The nodes' settings groups (memory: history window, follow-ups; prompts: profiles, reply
    length) plus the knowledge base, the model gateway, the router and prompt profiles.

    A plain class rather than a dataclass: it travels inside the graph's context, where pydantic
    must treat it as an opaque object instead of validating its fields.
    """

    def __init__(
        self,
        memory: MemorySettings,
        prompts: PromptSettings,
        knowledge: KnowledgeSearch,
        models: ModelGateway,
        router: Router,
    ) -> None:
        self.memory = memory
        self.prompts = prompts
        self.knowledge = knowledge
        self.models = models
        self.router = router
        self._profiles: dict[str, PromptProfile] = {}
        load_instructions()

    def profile(self, name: str | None = None) -> PromptProfile:
        """A prompt profile by name (default PROMPT_PROFILE), read once then cached."""
        name = name or self.prompts.prompt_profile
        if name not in self._profiles:
            self._profiles[name] = load_profile(
                self.prompts.prompt_root, name, self.prompts.system_prompt
            )
        return self._profiles[name]

    async def aprofile(self, name: str | None = None) -> PromptProfile:
        """`profile` for the event loop: a profile's first read runs on a worker thread."""
        name = name or self.prompts.prompt_profile
        if name in self._profiles:
            return self._profiles[name]
        return await asyncio.to_thread(self.profile, name)


def build_services(settings: Settings) -> Services:
    """Real services from settings: local/Bedrock knowledge, Bedrock/Ollama models, the router.
    The one place in the graph's layers that reads the whole `Settings`: it composes them."""
    from functools import partial

    from community_bot.kb import Knowledge
    from community_bot.models import build_gateway
    from community_bot.routing import decide

    services = Services(
        memory=settings.memory,
        prompts=settings.prompts,
        knowledge=Knowledge.from_settings(
            settings.knowledge,
            data_dir=settings.data_dir,
            aws_region=settings.aws_region,
            ollama_base_url=settings.ollama_base_url,
        ),
        models=build_gateway(settings.models, settings.memory),
        router=partial(decide, quality_bias=settings.router_quality_bias),
    )
    services.profile()  # a missing profile is a start-up error, not a failing first message
    return services
