"""The model layer: Amazon Bedrock (Nova) and Ollama behind one `ModelGateway`.

`build_gateway(settings.models, settings.memory)` is the only constructor the application needs;
it touches no network.
`await gateway.probe()` at start-up decides which providers are usable and logs one line each.
"""

from __future__ import annotations

from community_bot.models.gateway import GenerationResult, ModelGateway, TokenSink
from community_bot.models.prices import DEFAULT_PRICES, Price, PriceTable
from community_bot.models.probe import ProviderStatus
from community_bot.models.providers import ChatModels, ModelSpec
from community_bot.models.routed import RoutedGateway
from community_bot.settings import MemorySettings, ModelSettings

__all__ = [
    "DEFAULT_PRICES",
    "ChatModels",
    "GenerationResult",
    "ModelGateway",
    "ModelSpec",
    "Price",
    "PriceTable",
    "ProviderStatus",
    "RoutedGateway",
    "TokenSink",
    "build_gateway",
]


def build_gateway(models: ModelSettings, memory: MemorySettings) -> RoutedGateway:
    """The gateway for these settings: providers, fallbacks, prices and the daily budget (its
    spend is kept where memory is, DATABASE_URL or DATA_DIR)."""
    return RoutedGateway(models, memory)
