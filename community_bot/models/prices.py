"""What a model call costs, from a price table per 1M tokens that configuration can override.

Bedrock bills an inference profile (`us.amazon.nova-pro-v1:0`) at the price of the model behind
it, so ids are matched with their region prefix removed, and by model family as a last resort so
that a new version (`…-v2:0`) is not silently free. Ollama runs locally and costs nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Cross-region inference profiles put a geography in front of the model id.
_REGION_PREFIX = re.compile(r"^(us|us-gov|eu|apac|ca|jp|au|global)\.")


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens."""

    input: float
    output: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input + output_tokens * self.output) / 1_000_000


# us-east-1 on-demand prices (https://aws.amazon.com/bedrock/pricing/, read November 2026).
DEFAULT_PRICES: dict[str, Price] = {
    "amazon.nova-micro-v1:0": Price(0.035, 0.14),
    "amazon.nova-lite-v1:0": Price(0.06, 0.24),
    "amazon.nova-pro-v1:0": Price(0.80, 3.20),
    # Legacy since 2026-03-13, end of life 2026-09-14: no default uses it; priced for explicit ids.
    "amazon.nova-premier-v1:0": Price(2.50, 12.50),
    # Nova 2 Lite exists only behind cross-Region profiles, priced by profile: geographic
    # (`us.`, `eu.`, …) 0.33 / 2.75, `global.` 0.30 / 2.50 (the Bedrock pricing page above; the
    # same pairs are listed by Vercel AI Gateway and OpenRouter for amazon/nova-2-lite).
    "amazon.nova-2-lite-v1:0": Price(0.33, 2.75),
    "global.amazon.nova-2-lite-v1:0": Price(0.30, 2.50),
}
# Family fallbacks: `nova-pro` matches any Nova Pro id the table does not list exactly.
_FAMILIES: dict[str, Price] = {
    "nova-micro": DEFAULT_PRICES["amazon.nova-micro-v1:0"],
    "nova-lite": DEFAULT_PRICES["amazon.nova-lite-v1:0"],
    "nova-pro": DEFAULT_PRICES["amazon.nova-pro-v1:0"],
    "nova-premier": DEFAULT_PRICES["amazon.nova-premier-v1:0"],
    "nova-2-lite": DEFAULT_PRICES["amazon.nova-2-lite-v1:0"],
}
FREE = Price(0.0, 0.0)


def base_model_id(model_id: str) -> str:
    """`us.amazon.nova-pro-v1:0` → `amazon.nova-pro-v1:0`; ARNs keep their last path segment."""
    model_id = model_id.rsplit("/", 1)[-1]
    return _REGION_PREFIX.sub("", model_id)


class PriceTable:
    """Prices by model id: overrides first, then the defaults, then the model family."""

    def __init__(self, overrides: Mapping[str, tuple[float, float]] | None = None) -> None:
        self._prices = dict(DEFAULT_PRICES)
        for model_id, (input_price, output_price) in (overrides or {}).items():
            self._prices[model_id] = Price(float(input_price), float(output_price))
        self._warned: set[str] = set()

    def price(self, model_id: str, *, local: bool = False) -> Price:
        """Price of a model; local (Ollama) models are free unless overridden."""
        for key in (model_id, base_model_id(model_id)):
            if key in self._prices:
                return self._prices[key]
        if local:
            return FREE
        base = base_model_id(model_id)
        for family in sorted(_FAMILIES, key=len, reverse=True):
            if family in base:
                return _FAMILIES[family]
        if model_id not in self._warned:
            self._warned.add(model_id)
            log.warning(
                "no price known for %s: its calls count as free (set MODEL_PRICES)", model_id
            )
        return FREE

    def cost(
        self, model_id: str, input_tokens: int, output_tokens: int, *, local: bool = False
    ) -> float:
        return self.price(model_id, local=local).cost(input_tokens, output_tokens)
