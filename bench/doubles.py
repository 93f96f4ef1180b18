"""The model layer for benchmarks: the product's own gateway around an instant chat model.

`BenchGateway` is the real `RoutedGateway` (fallback chain, retries, accounting, spend meter)
whose every model is one `InstantChatModel` (`bench.chat_model`), a real LangChain
`BaseChatModel`: a benchmark measures everything except the model, streaming included. With no
delay the model answers "instantly" (graph overhead); with `first_token_s` it thinks for that long
(concurrency); with `token_interval_s` it streams at a realistic rate (the Discord path).
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from bench.chat_model import ANSWER, InstantChatModel
from community_bot.models.probe import ProviderStatus
from community_bot.models.providers import ChatModels, ModelSpec, Provider
from community_bot.models.routed import RoutedGateway
from community_bot.settings import MemorySettings, ModelSettings

__all__ = ["ANSWER", "BenchGateway", "InstantChatModel"]


class InstantChatModels(ChatModels):
    """`ChatModels` whose every model is the one given chat model."""

    def __init__(self, models: ModelSettings, model: BaseChatModel) -> None:
        super().__init__(models)
        self._model = model

    def get(self, spec: ModelSpec) -> BaseChatModel:
        return self._model


class BenchGateway(RoutedGateway):
    """The product's `RoutedGateway` around one instant chat model; no provider is probed."""

    def __init__(
        self, models: ModelSettings, memory: MemorySettings, model: InstantChatModel
    ) -> None:
        super().__init__(models, memory, chat_models=InstantChatModels(models, model))
        self.model = model

    async def probe(self) -> dict[Provider, ProviderStatus]:
        return {}
