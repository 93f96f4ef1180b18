"""Plain data that crosses module boundaries and lives in the graph state (checkpoint-safe)."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Tier = Literal["small", "medium", "large"]
TIERS: tuple[Tier, ...] = ("small", "medium", "large")


class Passage(TypedDict):
    """One retrieved piece of reference material."""

    text: str
    title: str
    source: str  # path or URL shown in citations
    heading: str  # "Install > macOS", empty when the document has no headings
    score: float  # higher is better; comparable only within one origin
    origin: str  # "local" or "bedrock:<kb id>"
    chunk_id: NotRequired[str]


class RetrievalOutcome(TypedDict):
    """What retrieval found this turn, for the KB hit-rate metric."""

    hit: bool
    top_score: float | None
    scores: list[float]
    sources: list[str]
    latency_ms: float


class RouteDecision(TypedDict):
    """The router's choice and why, visible in Studio, logs and traces."""

    tier: Tier
    model: str
    reason: str
    note: NotRequired[str]  # one short line for the user when the route is worse than asked


class TurnRecord(TypedDict):
    """Accounting for one answered turn."""

    model: str  # "retrieval-only" when no model answered
    tier: Tier | None
    input_tokens: int
    output_tokens: int
    ttft_ms: float | None
    latency_ms: float
    cost_usd: float
    outcome: Literal["ok", "fallback", "cut", "retrieval_only"]
    attempts: list[str]  # "model: reason" for each failed attempt, in order
    second_chance: NotRequired[str]  # why a stronger model answered again, when one did
    note: NotRequired[str]  # what went wrong, in one short line the user saw


class Citation(TypedDict):
    """A numbered source as shown at the end of an answer."""

    number: int
    title: str
    source: str


RETRIEVAL_ONLY = "retrieval-only"  # the "model" of an answer quoted from the docs alone


def passage_label(passage: Passage) -> str:
    """ "Title › Heading" for a passage, as cited."""
    heading = passage.get("heading") or ""
    title = passage["title"] or passage["source"]
    return f"{title} › {heading}" if heading and heading != title else title
